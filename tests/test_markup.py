def test_text_without_markup_renders_as_markdown_it_renders_it():
    """render_inline's shortcut for text without markup characters gives markdown-it's own HTML."""
    import random

    from pipeline.text import markup

    rng = random.Random(3)
    texts = [
        "Acme Holdings, Inc. & <Partners>",
        'He said "no".',
        " lead and trail  ",
        "Düsseldorf — 'quoted'",
    ]
    texts += [
        "".join(rng.choice("ab <>&\"' é!#~|{}()$%^=+.,;:\u00a0\t") for _ in range(30)) for _ in range(2000)
    ]
    parser = markup._parser()
    for text in texts:
        assert not any(c in text for c in "*_`[]\\\n\r")
        slow = parser.renderer.render(markup._inline_tokens(text), parser.options, {})
        assert str(markup.render_inline(text)) == slow, text
