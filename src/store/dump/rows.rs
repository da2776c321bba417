//! The dump's rows: each table's columns as stored, the document's fields in output order.
use super::super::schema::{
    claims, credentials, events, evidence, notes, piece_events, piece_revisions, pieces, users,
};
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Serialize, Deserialize, Queryable, Selectable, Insertable)]
#[diesel(table_name = users, check_for_backend(Pg))]
#[serde(deny_unknown_fields)]
pub struct UserDump {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub role: String,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_hash: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, Queryable, Selectable, Insertable)]
#[diesel(table_name = pieces, check_for_backend(Pg))]
#[serde(deny_unknown_fields)]
pub struct PieceDump {
    pub id: Uuid,
    pub title: String,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub authors: Vec<Option<String>>,
    pub published_at: DateTime<Utc>,
    pub body: String,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub created_by: Uuid,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Uuid,
    /// Absent from dumps made before migration 000018, when nothing could be archived.
    #[serde(default)]
    pub archived_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub archived_by: Option<Uuid>,
    #[serde(default)]
    pub archive_reason: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, Queryable, Selectable, Insertable)]
#[diesel(table_name = claims, check_for_backend(Pg))]
#[serde(deny_unknown_fields)]
pub struct ClaimDump {
    pub id: Uuid,
    pub piece_id: Uuid,
    pub quote_exact: String,
    pub quote_prefix: String,
    pub quote_suffix: String,
    pub quote_start: i32,
    pub quote_end: i32,
    pub claimant: String,
    pub summary: String,
    pub status: String,
    pub status_reason: Option<String>,
    pub priority: String,
    pub assignee_id: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub created_by: Uuid,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Uuid,
    pub verdict_by: Option<Uuid>,
    pub verdict_at: Option<DateTime<Utc>>,
    pub signed_off_by: Option<Uuid>,
    pub signed_off_at: Option<DateTime<Utc>>,
    pub signoff_note: Option<String>,
    /// Absent from dumps made before migration 000015, whose claimants were all people.
    #[serde(default = "a_person")]
    pub claimant_kind: String,
    /// Absent from dumps made before migration 000017, when no text could change.
    #[serde(default = "exact")]
    pub anchor: String,
    /// Absent from dumps made before migration 000018, when nothing could be archived.
    #[serde(default)]
    pub archived_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub archived_by: Option<Uuid>,
    #[serde(default)]
    pub archive_reason: Option<String>,
    #[serde(default)]
    pub archived_with_piece: bool,
}

fn exact() -> String {
    crate::domain::reanchor::Anchor::Exact.as_str().to_owned()
}

#[derive(Debug, Serialize, Deserialize, Queryable, Selectable, Insertable)]
#[diesel(table_name = piece_revisions, check_for_backend(Pg))]
#[serde(deny_unknown_fields)]
pub struct PieceRevisionDump {
    pub piece_id: Uuid,
    pub revision: i32,
    pub body: String,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
    pub actor_id: Uuid,
}

fn a_person() -> String {
    crate::domain::claimreview::ClaimantKind::Person
        .as_str()
        .to_owned()
}

#[derive(Debug, Serialize, Deserialize, Queryable, Selectable, Insertable)]
#[diesel(table_name = evidence, check_for_backend(Pg))]
#[serde(deny_unknown_fields)]
pub struct EvidenceDump {
    pub id: Uuid,
    pub claim_id: Uuid,
    pub url: String,
    pub title: String,
    pub publisher: String,
    pub stance: String,
    pub note: String,
    pub archived_url: Option<String>,
    pub added_at: DateTime<Utc>,
    pub added_by: Uuid,
    pub removed_at: Option<DateTime<Utc>>,
    pub removed_by: Option<Uuid>,
}

#[derive(Debug, Serialize, Deserialize, Queryable, Selectable, Insertable)]
#[diesel(table_name = notes, check_for_backend(Pg))]
#[serde(deny_unknown_fields)]
pub struct NoteDump {
    pub id: Uuid,
    pub claim_id: Uuid,
    pub author_id: Uuid,
    pub body: String,
    pub created_at: DateTime<Utc>,
    /// Absent from dumps made before migration 000018, when no note could change.
    #[serde(default = "first_version")]
    pub version: i32,
    #[serde(default)]
    pub edited_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub withdrawn_at: Option<DateTime<Utc>>,
}

fn first_version() -> i32 {
    1
}

#[derive(Debug, Serialize, Deserialize, Queryable, Selectable)]
#[diesel(table_name = events, check_for_backend(Pg))]
#[serde(deny_unknown_fields)]
pub struct EventDump {
    pub id: Uuid,
    pub seq: i64,
    pub claim_id: Uuid,
    pub actor_id: Uuid,
    pub at: DateTime<Utc>,
    pub kind: String,
    pub field: Option<String>,
    pub from_value: Option<String>,
    pub to_value: Option<String>,
    pub reason: Option<String>,
    pub subject_id: Option<Uuid>,
    /// Absent from dumps made before migration 000017.
    #[serde(default)]
    pub revision: Option<i32>,
}

#[derive(Debug, Serialize, Deserialize, Queryable, Selectable)]
#[diesel(table_name = piece_events, check_for_backend(Pg))]
#[serde(deny_unknown_fields)]
pub struct PieceEventDump {
    pub id: Uuid,
    pub seq: i64,
    pub piece_id: Uuid,
    pub actor_id: Uuid,
    pub at: DateTime<Utc>,
    pub field: String,
    pub from_value: Option<String>,
    pub to_value: Option<String>,
    /// Absent from dumps made before migration 000017.
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, Queryable, Selectable, Insertable)]
#[diesel(table_name = credentials, check_for_backend(Pg))]
#[serde(deny_unknown_fields)]
pub struct CredentialDump {
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: String,
    /// SHA-256 of the secret, in hex: the secret itself is never stored.
    #[serde(with = "hex")]
    pub secret_hash: Vec<u8>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Bytes as lower-case hex in the document.
mod hex {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};
    use std::fmt::Write;

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        let mut text = String::with_capacity(bytes.len() * 2);
        for byte in bytes {
            let _ = write!(text, "{byte:02x}");
        }
        s.serialize_str(&text)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        if text.len() % 2 != 0 || !text.is_ascii() {
            return Err(D::Error::custom("expected an even number of hex digits"));
        }
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).map_err(D::Error::custom))
            .collect()
    }
}
