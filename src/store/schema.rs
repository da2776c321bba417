// @generated automatically by Diesel CLI.

diesel::table! {
    claim_checked_before (claim_id) {
        claim_id -> Uuid,
        found_at -> Timestamptz,
        near_ids -> Array<Uuid>,
        similarities -> Array<Float4>,
    }
}

diesel::table! {
    claims (id) {
        id -> Uuid,
        piece_id -> Uuid,
        quote_exact -> Text,
        quote_prefix -> Text,
        quote_suffix -> Text,
        quote_start -> Int4,
        quote_end -> Int4,
        claimant -> Text,
        summary -> Text,
        status -> Text,
        status_reason -> Nullable<Text>,
        priority -> Text,
        assignee_id -> Nullable<Uuid>,
        version -> Int4,
        created_at -> Timestamptz,
        created_by -> Uuid,
        updated_at -> Timestamptz,
        updated_by -> Uuid,
        verdict_by -> Nullable<Uuid>,
        verdict_at -> Nullable<Timestamptz>,
        signed_off_by -> Nullable<Uuid>,
        signed_off_at -> Nullable<Timestamptz>,
        signoff_note -> Nullable<Text>,
        claimant_kind -> Text,
        anchor -> Text,
        archived_at -> Nullable<Timestamptz>,
        archived_by -> Nullable<Uuid>,
        archive_reason -> Nullable<Text>,
        archived_with_piece -> Bool,
    }
}

diesel::table! {
    credentials (id) {
        id -> Uuid,
        user_id -> Uuid,
        kind -> Text,
        secret_hash -> Bytea,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    events (id) {
        id -> Uuid,
        seq -> Int8,
        claim_id -> Uuid,
        actor_id -> Uuid,
        at -> Timestamptz,
        kind -> Text,
        field -> Nullable<Text>,
        from_value -> Nullable<Text>,
        to_value -> Nullable<Text>,
        reason -> Nullable<Text>,
        subject_id -> Nullable<Uuid>,
        revision -> Nullable<Int4>,
    }
}

diesel::table! {
    evidence (id) {
        id -> Uuid,
        claim_id -> Uuid,
        url -> Text,
        title -> Text,
        publisher -> Text,
        stance -> Text,
        note -> Text,
        archived_url -> Nullable<Text>,
        added_at -> Timestamptz,
        added_by -> Uuid,
        removed_at -> Nullable<Timestamptz>,
        removed_by -> Nullable<Uuid>,
    }
}

diesel::table! {
    notes (id) {
        id -> Uuid,
        claim_id -> Uuid,
        author_id -> Uuid,
        body -> Text,
        created_at -> Timestamptz,
        version -> Int4,
        edited_at -> Nullable<Timestamptz>,
        withdrawn_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    piece_events (id) {
        id -> Uuid,
        seq -> Int8,
        piece_id -> Uuid,
        actor_id -> Uuid,
        at -> Timestamptz,
        field -> Text,
        from_value -> Nullable<Text>,
        to_value -> Nullable<Text>,
        reason -> Nullable<Text>,
    }
}

diesel::table! {
    piece_progress (piece_id, status) {
        piece_id -> Uuid,
        status -> Text,
        claims -> Int4,
    }
}

diesel::table! {
    piece_revisions (piece_id, revision) {
        piece_id -> Uuid,
        revision -> Int4,
        body -> Text,
        reason -> Nullable<Text>,
        at -> Timestamptz,
        actor_id -> Uuid,
    }
}

diesel::table! {
    pieces (id) {
        id -> Uuid,
        title -> Text,
        outlet -> Nullable<Text>,
        url -> Nullable<Text>,
        authors -> Array<Nullable<Text>>,
        published_at -> Timestamptz,
        body -> Text,
        version -> Int4,
        created_at -> Timestamptz,
        created_by -> Uuid,
        updated_at -> Timestamptz,
        updated_by -> Uuid,
        archived_at -> Nullable<Timestamptz>,
        archived_by -> Nullable<Uuid>,
        archive_reason -> Nullable<Text>,
    }
}

diesel::table! {
    sign_in_failures (id) {
        id -> Int8,
        account -> Text,
        address -> Text,
        at -> Timestamptz,
    }
}

diesel::table! {
    users (id) {
        id -> Uuid,
        name -> Text,
        email -> Text,
        created_at -> Timestamptz,
        role -> Text,
        password_hash -> Nullable<Text>,
        disabled -> Bool,
    }
}

diesel::joinable!(claim_checked_before -> claims (claim_id));
diesel::joinable!(claims -> pieces (piece_id));
diesel::joinable!(credentials -> users (user_id));
diesel::joinable!(events -> claims (claim_id));
diesel::joinable!(events -> users (actor_id));
diesel::joinable!(evidence -> claims (claim_id));
diesel::joinable!(notes -> claims (claim_id));
diesel::joinable!(notes -> users (author_id));
diesel::joinable!(piece_events -> pieces (piece_id));
diesel::joinable!(piece_events -> users (actor_id));
diesel::joinable!(piece_progress -> pieces (piece_id));
diesel::joinable!(piece_revisions -> pieces (piece_id));
diesel::joinable!(piece_revisions -> users (actor_id));

diesel::allow_tables_to_appear_in_same_query!(
    claim_checked_before,
    claims,
    credentials,
    events,
    evidence,
    notes,
    piece_events,
    piece_progress,
    piece_revisions,
    pieces,
    sign_in_failures,
    users,
);
