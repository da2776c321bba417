//! Notes are written in Markdown and shown as HTML: render, then sanitise, so no note can carry
//! a script, an event handler or a `javascript:` link to a reader.
use pulldown_cmark::{Options, Parser, html};

pub fn render_note(markdown: &str) -> String {
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(
        &mut unsafe_html,
        Parser::new_ext(
            markdown,
            Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES,
        ),
    );
    ammonia::Builder::default()
        // An image would be fetched from wherever the note says, by every reader who opens it.
        .rm_tags(["img"])
        .url_schemes(["http", "https", "mailto"].into())
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&unsafe_html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::render_note;

    #[test]
    fn renders_markdown() {
        let html = render_note("**Checked** against [the transcript](https://example.org/t).");
        assert!(html.contains("<strong>Checked</strong>"), "{html}");
        assert!(html.contains(r#"href="https://example.org/t""#), "{html}");
    }

    #[test]
    fn strips_scripts_handlers_and_javascript_links() {
        let html = render_note(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[x](javascript:alert(3)) and <a href=\"javascript:alert(4)\">y</a>",
        );
        assert!(
            html.contains("<a"),
            "the links themselves stay, defused: {html}"
        );
        for hostile in ["<script", "onerror", "href=\"javascript", "<img"] {
            assert!(!html.contains(hostile), "{hostile} survived in {html}");
        }
    }
}
