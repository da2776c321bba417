//! Enumerations with wire names and human labels, read from text with a helpful error.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{value}`; expected one of: {expected}")]
pub struct UnknownValue {
    pub what: &'static str,
    pub value: String,
    pub expected: String,
}

/// Gives an enum its wire names (as stored and as sent over the API) and its
/// human labels from one table, so neither can fall out of step with `ALL`.
macro_rules! named_values {
    ($type:ident, $what:literal, { $($variant:ident => $name:literal, $label:literal;)+ }) => {
        impl $type {
            pub const ALL: [Self; [$($name),+].len()] = [$(Self::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)+
                }
            }

            pub fn label(self) -> &'static str {
                match self {
                    $(Self::$variant => $label,)+
                }
            }
        }

        impl std::str::FromStr for $type {
            type Err = $crate::domain::named::UnknownValue;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .into_iter()
                    .find(|known| known.as_str() == value)
                    .ok_or_else(|| $crate::domain::named::UnknownValue {
                        what: $what,
                        value: value.to_owned(),
                        expected: Self::ALL.map(|known| format!("`{known}`")).join(", "),
                    })
            }
        }

        // `pad`, as `str` does: `{:8}` and the like apply to the name.
        impl std::fmt::Display for $type {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(self.as_str())
            }
        }

        // JSON carries the wire name, as the database does.
        impl serde::Serialize for $type {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let name = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                name.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
