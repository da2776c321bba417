//! Validation of what people type, collected field by field so one answer can list every problem.
use url::Url;

/// The documented limits on every text a client sends (in Unicode characters).
pub mod limits {
    pub const TITLE: usize = 500;
    pub const OUTLET: usize = 200;
    pub const URL: usize = 2048;
    pub const AUTHOR: usize = 200;
    pub const AUTHORS: usize = 50;
    pub const BODY: usize = 200_000;
    pub const QUOTE: usize = 2_000;
    pub const CLAIMANT: usize = 500;
    pub const SUMMARY: usize = 2_000;
    pub const REASON: usize = 5_000;
    pub const PUBLISHER: usize = 200;
    pub const EVIDENCE_NOTE: usize = 5_000;
    pub const NOTE: usize = 20_000;
    pub const SEARCH: usize = 200;
    pub const EMAIL: usize = 320;
    pub const NAME: usize = 200;
    pub const PAGE_SIZE: i64 = 100;
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Collects field errors; each check returns a usable value (empty on error) so a form is read
/// through once and every mistake is reported together.
#[derive(Debug, Default)]
pub struct Fields {
    errors: Vec<FieldError>,
}

/// A value a check could not always make (a status from its name, a date): there whenever its
/// check recorded no error. Only [`Valid`], which [`Fields::finish`] answers when no check
/// recorded one, opens it, so no caller unwraps or falls back to a default.
#[derive(Debug, Clone, Copy)]
#[must_use]
pub struct Checked<T>(Option<T>);

impl<T> Checked<T> {
    /// The value, if its check passed: to check one field against another before `finish`
    /// (the two ends of a range). Only [`Valid`] hands values on.
    pub fn peek(&self) -> Option<&T> {
        self.0.as_ref()
    }
}

/// Every check of a [`Fields`] passed.
#[derive(Debug)]
pub struct Valid(());

impl Valid {
    pub fn open<T>(&self, checked: Checked<T>) -> T {
        checked
            .0
            .expect("a check that recorded no error holds its value")
    }

    /// An optional field's value, when it was sent.
    pub fn open_sent<T>(&self, checked: Option<Checked<T>>) -> Option<T> {
        checked.map(|checked| self.open(checked))
    }
}

impl Fields {
    pub fn error(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    /// A required text: trimmed, not empty, at most `max` characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        let value = value.trim();
        let length = value.chars().count();
        if length == 0 {
            self.error(field, "must not be empty");
        } else if value.contains('\0') {
            // Postgres cannot store it in text, and no one types it on purpose.
            self.error(field, "must not contain the NUL character (U+0000)");
        } else if length > max {
            self.error(
                field,
                format!("is {length} characters long; the limit is {max}"),
            );
        }
        value.to_owned()
    }

    /// A text kept exactly as sent (a piece's body, a quote): not empty, at most `max` characters.
    pub fn verbatim(&mut self, field: &str, value: &str, max: usize) -> String {
        // The limit holds for what is stored, surrounding white space included.
        let length = value.chars().count();
        if length > max && !value.trim().is_empty() {
            self.error(
                field,
                format!("is {length} characters long; the limit is {max}"),
            );
        } else {
            self.text(field, value, max);
        }
        value.to_owned()
    }

    /// An optional text: when given, the same rules as a required one (send nothing rather than "").
    pub fn optional_text(
        &mut self,
        field: &str,
        value: Option<&str>,
        max: usize,
    ) -> Option<String> {
        value.map(|value| self.text(field, value, max))
    }

    /// An absolute http or https address.
    pub fn url(&mut self, field: &str, value: &str) -> String {
        let value = self.text(field, value, limits::URL);
        if value.is_empty() {
            return value;
        }
        match Url::parse(&value) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
                url.into()
            }
            Ok(url) => {
                self.error(
                    field,
                    format!("must be an http or https address, not `{}:`", url.scheme()),
                );
                value
            }
            Err(_) => {
                self.error(
                    field,
                    "must be an absolute http or https address, such as https://example.org/page",
                );
                value
            }
        }
    }

    /// A person's name: a single line of text.
    pub fn name(&mut self, field: &str, value: &str) -> String {
        let value = self.text(field, value, limits::NAME);
        if value.chars().any(char::is_control) {
            self.error(field, "must be one line, without control characters");
        }
        value
    }

    /// An email address: one `@` with text on both sides and no spaces (the mail server has
    /// the last word).
    pub fn email(&mut self, field: &str, value: &str) -> String {
        let value = self.text(field, value, limits::EMAIL);
        let well_formed = value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && !domain.is_empty() && !domain.contains('@')
        }) && !value.chars().any(|c| c.is_whitespace() || c.is_control());
        if !value.is_empty() && !well_formed {
            self.error(field, "must be an email address, such as jane@example.org");
        }
        value
    }

    pub fn optional_url(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        value.map(|value| self.url(field, value))
    }

    /// A value of one of the domain's enumerations (status, priority, stance).
    pub fn parse<T: std::str::FromStr>(&mut self, field: &str, value: &str) -> Checked<T>
    where
        T::Err: std::fmt::Display,
    {
        self.check(field, value.parse().map_err(|e: T::Err| e.to_string()))
    }

    /// `made`, or its error recorded against `field`.
    pub fn check<T>(&mut self, field: &str, made: Result<T, String>) -> Checked<T> {
        Checked(made.map_err(|message| self.error(field, message)).ok())
    }

    /// Every error found, or what opens the checked values.
    pub fn finish(self) -> Result<Valid, Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(Valid(()))
        } else {
            Err(self.errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_every_error() {
        let mut fields = Fields::default();
        assert_eq!(fields.text("title", "  Soleimani  ", 20), "Soleimani");
        fields.text("outlet", "   ", 20);
        fields.text("summary", &"é".repeat(21), 20);
        let errors = fields.finish().unwrap_err();
        assert_eq!(
            errors,
            vec![
                FieldError {
                    field: "outlet".into(),
                    message: "must not be empty".into()
                },
                FieldError {
                    field: "summary".into(),
                    message: "is 21 characters long; the limit is 20".into()
                },
            ]
        );
    }

    #[test]
    fn names_are_one_line_and_emails_have_one_at_between_text() {
        let mut fields = Fields::default();
        assert_eq!(fields.name("name", "  Jane Doe "), "Jane Doe");
        assert_eq!(
            fields.email("email", " jane@example.org "),
            "jane@example.org"
        );
        assert!(fields.finish().is_ok());
        for bad in [
            "jane.example.org",
            "@example.org",
            "jane@",
            "a@b@c",
            "jane doe@example.org",
        ] {
            let mut fields = Fields::default();
            fields.email("email", bad);
            assert!(fields.finish().is_err(), "{bad}");
        }
        let mut fields = Fields::default();
        fields.name("name", "Jane\nDoe");
        fields.email(
            "email",
            &format!("{}@example.org", "j".repeat(limits::EMAIL)),
        );
        let fields_in_error: Vec<_> = fields
            .finish()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields_in_error, ["name", "email"]);
    }

    #[test]
    fn verbatim_text_counts_its_white_space_against_the_limit() {
        let mut fields = Fields::default();
        assert_eq!(
            fields.verbatim("body", "  kept as sent \n", 16),
            "  kept as sent \n"
        );
        assert!(fields.finish().is_ok());
        let mut fields = Fields::default();
        fields.verbatim("body", &format!("short{}", " ".repeat(20)), 16);
        assert_eq!(
            fields.finish().unwrap_err()[0].message,
            "is 25 characters long; the limit is 16"
        );
    }

    #[test]
    fn accepts_only_absolute_web_addresses() {
        let mut fields = Fields::default();
        assert_eq!(
            fields.url("url", "https://www.nbcnews.com/politics"),
            "https://www.nbcnews.com/politics"
        );
        fields.url("a", "javascript:alert(1)");
        fields.url("b", "/relative/path");
        fields.url("c", "ftp://example.org/file");
        fields.url("d", "data:text/html,hi");
        let fields_in_error: Vec<_> = fields
            .finish()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields_in_error, ["a", "b", "c", "d"]);
    }
}
