"""The HTML reader on a page built from seed 000 with real <table>/<tr>/<td>, colspan and rowspan."""

from __future__ import annotations

from seed000_documents import FIRST_APPLICATION_ROW, HEADINGS, TITLE, clean_text, html_bytes

from loaders.readers import read_document


def test_title_headings_and_first_application_row_are_lines_in_order():
    lines = read_document(html_bytes(), "report.html").text.splitlines()
    assert lines[0] == TITLE
    positions = [lines.index(heading) for heading in HEADINGS]
    assert positions == sorted(positions)
    assert positions[2] < lines.index(FIRST_APPLICATION_ROW) < positions[3]


def test_whole_page_is_the_clean_text_without_head_script_or_comment():
    document = read_document(html_bytes(), "report.htm")
    assert (document.format, document.encoding) == ("html", "utf-8")
    assert document.text == clean_text()
    assert "官渡镇人民政府" not in document.text  # <title> is in <head>
    assert "var" not in document.text and "注释" not in document.text


def test_gbk_page_is_decoded_with_its_meta_charset():
    document = read_document(html_bytes("gbk"), "report.html")
    assert document.encoding == "gb18030"  # GB18030 reads every GBK page, and pages labelled gbk that are not
    assert document.text == clean_text()


def test_gb18030_page_without_a_declared_charset_is_detected():
    page = (
        "<html><body><h1>官渡镇政府信息公开工作年度报告</h1><p>一、总体情况</p><p>本年度未收到申请。</p></body></html>"
    )
    document = read_document(page.encode("gb18030"), "report.html")
    assert document.text == "官渡镇政府信息公开工作年度报告\n一、总体情况\n本年度未收到申请。\n"


def test_colspan_and_rowspan_keep_columns_aligned():
    page = """<table>
      <tr><td rowspan="2">甲</td><td colspan="2">乙</td><td rowspan="3">丙</td></tr>
      <tr><th>1</th><th>2<br>3</th></tr>
      <tr><td>丁</td><td>4</td><td>5</td></tr>
    </table>"""
    text = read_document(page.encode(), "t.html").text
    assert text.splitlines() == ["甲\t乙\t\t丙", "\t1\t2 3\t", "丁\t4\t5\t"]


def test_line_breaks_and_blocks_make_lines_and_inline_tags_do_not():
    page = "<div>第一行<br/>第二<b>行</b>续<div>第三行</div>尾</div>"
    assert read_document(page.encode(), "t.html").text == "第一行\n第二行续\n第三行\n尾\n"


def test_a_table_holding_tables_is_page_layout_not_data():
    page = """<table><tr><td><p>官渡镇2021年报告</p><table>
        <tr><td>行政许可</td><td>12</td></tr></table><p>五、存在的主要问题</p></td>
        <td>侧栏</td></tr></table>"""
    assert read_document(page.encode(), "t.html").text == "官渡镇2021年报告\n行政许可\t12\n五、存在的主要问题\n侧栏\n"


def test_source_line_break_between_chinese_characters_vanishes():
    page = "<p>一、本年新收政府信息公开申请\n   数量</p><p>total\nof 2021 年</p>"
    assert read_document(page.encode(), "t.html").text == "一、本年新收政府信息公开申请数量\ntotal of 2021 年\n"


def test_page_declared_gb2312_that_is_really_utf8_is_read_as_utf8():
    page = '<meta charset="gb2312"><p>一、总体情况</p>'
    document = read_document(page.encode("utf-8"), "t.html")
    assert (document.encoding, document.text) == ("utf-8", "一、总体情况\n")
