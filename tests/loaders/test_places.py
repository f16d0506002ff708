"""Agency kind and region resolution, on the seed reports' agencies and on the other kinds of agency.

Codes are GB/T 2260 as published by the Ministry of Civil Affairs, checked by hand: 四川省 510000 ›
达州市 511700 › 万源市 511781; 山西省 140000 › 晋城市 140500 › 阳城县 140522; 重庆市 500000 › 云阳县
500235 (no city level); 青海省 › 海东市 › 民和回族土族自治县 630222 and 安徽省 › 合肥市 › 肥西县 340123
both have a 官亭镇; 陕西省 610000 › 安康市 610900 › 紫阳县 610924 has the only 红椿镇.
"""

from __future__ import annotations

import time

import pytest

from loaders.agency_kind import kind_by_suffix, strip_decorations
from loaders.places import Resolution, all_regions, region_chain, resolve_agency


def codes(resolution: Resolution) -> list[str]:
    assert resolution.region is not None, resolution.issues
    return [row.code for row in resolution.region.chain]


def issue_codes(resolution: Resolution) -> list[str]:
    return [issue.code for issue in resolution.issues]


# --- the five seed reports -------------------------------------------------------------------------


def test_seed_township_with_county_hint_guandu() -> None:
    r = resolve_agency("官渡镇", "万源市")
    assert (r.kind, r.normalised_name) == ("township", "官渡镇")
    assert r.region is not None
    assert (r.region.code, r.region.name, r.region.level) == ("511781", "万源市", "county")
    assert r.region.parent_codes == ("510000", "511700")
    assert r.township_code is not None and r.township_code.startswith("511781")
    assert r.issues == []


def test_seed_township_with_county_prefix_in_title() -> None:
    r = resolve_agency("万源市官渡镇", None)
    assert (r.kind, r.normalised_name) == ("township", "官渡镇")
    assert codes(r) == ["510000", "511700", "511781"]


def test_seed_title_pasted_whole_ends_at_the_year() -> None:
    r = resolve_agency("万源市官渡镇 2021 年政府信息公开 工作年度报告", None)
    assert (r.kind, r.normalised_name) == ("township", "官渡镇")
    assert codes(r)[-1] == "511781"


def test_seed_township_government_placed_by_header() -> None:
    r = resolve_agency("横河镇人民政府", None, header="阳城县横河镇")
    assert (r.kind, r.normalised_name) == ("township", "横河镇")
    assert codes(r) == ["140000", "140500", "140522"]


def test_seed_township_government_with_county_hint() -> None:
    r = resolve_agency("横河镇人民政府", "阳城县")
    assert codes(r)[-1] == "140522"


def test_seed_chongqing_county_has_no_city_level() -> None:
    r = resolve_agency("云阳县水口镇人民政府", None)
    assert (r.kind, r.normalised_name) == ("township", "水口镇")
    assert codes(r) == ["500000", "500235"]
    assert resolve_agency("水口镇人民政府", "云阳县").region == r.region


def test_seed_unique_township_alone_is_resolved() -> None:
    r = resolve_agency("红椿镇", None)
    assert r.kind == "township"
    assert codes(r) == ["610000", "610900", "610924"]


def test_seed_township_name_shared_by_several_is_ambiguous() -> None:
    r = resolve_agency("官亭镇", None)
    assert (r.kind, r.normalised_name, r.region, r.township_code) == ("township", "官亭镇", None, None)
    assert issue_codes(r) == ["REGION_AMBIGUOUS"]
    message = r.issues[0].message
    assert "630222" in message and "340123" in message  # 民和 (青海) and 肥西 (安徽) among the candidates
    assert r.issues[0].severity == "warning"


@pytest.mark.parametrize(("hint", "county"), [("青海", "630222"), ("青海省海东市", "630222"), ("安徽省", "340123")])
def test_a_province_hint_settles_an_ambiguous_township(hint: str, county: str) -> None:
    assert codes(resolve_agency("官亭镇", hint))[-1] == county


# --- governments and departments ---------------------------------------------------------------------


def test_county_government() -> None:
    r = resolve_agency("阳城县人民政府", None)
    assert (r.kind, r.normalised_name) == ("county_government", "阳城县")
    assert codes(r)[-1] == "140522"


def test_county_level_city_is_a_county_government_and_prefecture_city_a_city_government() -> None:
    assert resolve_agency("万源市人民政府", None).kind == "county_government"
    r = resolve_agency("达州市人民政府", None)
    assert (r.kind, r.normalised_name) == ("city_government", "达州市")
    assert r.region is not None and (r.region.code, r.region.level) == ("511700", "city")


def test_province_governments_including_a_municipality() -> None:
    r = resolve_agency("四川省人民政府", None)
    assert (r.kind, r.normalised_name) == ("province_government", "四川省")
    assert codes(r) == ["510000"]
    assert resolve_agency("重庆市人民政府", None).kind == "province_government"


def test_county_department_keeps_its_full_name() -> None:
    r = resolve_agency("万源市财政局", None)
    assert (r.kind, r.normalised_name) == ("department", "万源市财政局")
    assert codes(r)[-1] == "511781"


def test_province_general_office_is_a_department_of_the_province() -> None:
    r = resolve_agency("四川省人民政府办公厅", None)
    assert (r.kind, r.normalised_name) == ("department", "四川省人民政府办公厅")
    assert r.region is not None and (r.region.code, r.region.level) == ("510000", "province")


def test_department_without_a_place_is_placed_by_the_hint() -> None:
    r = resolve_agency("财政局", "四川省达州市万源市")
    assert (r.kind, codes(r)) == ("department", ["510000", "511700", "511781"])


def test_hint_below_a_city_government_does_not_move_it_down() -> None:
    r = resolve_agency("达州市人民政府", "万源市")
    assert r.region is not None and r.region.code == "511700"


def test_ambiguous_district_settled_by_province_hint() -> None:
    assert resolve_agency("朝阳区人民政府", None).region is None
    assert codes(resolve_agency("朝阳区人民政府", "北京市")) == ["110000", "110105"]


# --- streets, unknown places, conflicts ------------------------------------------------------------


def test_street_office_is_a_street_without_its_decoration() -> None:
    r = resolve_agency("建北街道办事处", "石家庄市长安区")
    assert (r.kind, r.normalised_name) == ("street", "建北街道")
    assert codes(r) == ["130000", "130100", "130102"]


def test_unknown_street_is_unresolved() -> None:
    r = resolve_agency("某某街道办事处", None)
    assert (r.kind, r.normalised_name, r.region) == ("street", "某某街道", None)
    assert issue_codes(r) == ["REGION_UNKNOWN"]


def test_unknown_county_government_is_unresolved() -> None:
    r = resolve_agency("某某县人民政府", None)
    assert (r.kind, r.region) == ("county_government", None)
    assert issue_codes(r) == ["REGION_UNKNOWN"]


def test_township_missing_from_gazetteer_falls_back_to_its_county() -> None:
    # 横河镇 exists, but not in 万源市: the county named with it is kept, and the mismatch reported.
    r = resolve_agency("横河镇人民政府", "万源市")
    assert (r.kind, codes(r)[-1], r.township_code) == ("township", "511781", None)
    assert issue_codes(r) == ["PLACE_UNKNOWN"]


def test_hint_contradicting_the_agency_name_is_ignored() -> None:
    r = resolve_agency("万源市人民政府", "阳城县")
    assert codes(r)[-1] == "511781"
    assert issue_codes(r) == ["REGION_HINT_CONFLICT"]


def test_places_that_do_not_nest_are_unresolved() -> None:
    r = resolve_agency("达州市阳城县人民政府", None)
    assert r.region is None
    assert issue_codes(r) == ["REGION_UNKNOWN"]


# --- the region table ------------------------------------------------------------------------------


def test_region_chain_from_province_down() -> None:
    chain = region_chain("511781")
    assert [(r.code, r.name, r.level) for r in chain] == [
        ("510000", "四川省", "province"),
        ("511700", "达州市", "city"),
        ("511781", "万源市", "county"),
    ]
    assert [r.parent_code for r in chain] == [None, "510000", "511700"]
    with pytest.raises(KeyError):
        region_chain("999999")


def test_all_regions_lists_every_level_parents_first() -> None:
    rows = list(all_regions())
    seen: set[str] = set()
    for row in rows:
        assert row.parent_code is None or row.parent_code in seen, row
        seen.add(row.code)
    by_code = {row.code: row for row in rows}
    assert by_code["140522"].name == "阳城县" and by_code["140522"].parent_code == "140500"
    assert by_code["500235"].parent_code == "500000"
    # 31 mainland provinces + Hong Kong + Macao; Taiwan has no published code.
    assert sum(row.level == "province" for row in rows) == 33
    assert len(rows) > 3000
    assert all(len(row.code) == 6 for row in rows)


# --- kind rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "core"),
    [
        ("横河镇人民政府", "横河镇"),
        ("横河镇政府", "横河镇"),
        ("某某街道办事处", "某某街道"),
        ("某某街道办", "某某街道"),
        ("四川省人民政府办公厅", "四川省人民政府办公厅"),
        ("人民政府", "人民政府"),
    ],
)
def test_strip_decorations(name: str, core: str) -> None:
    assert strip_decorations(name) == core


@pytest.mark.parametrize(
    ("core", "kind"),
    [
        ("某某乡", "township"),
        ("某某苏木", "township"),
        ("某某街道", "street"),
        ("某某自治区", "province_government"),
        ("某某自治州", "city_government"),
        ("某某旗", "county_government"),
        ("某某经济开发区", "other"),
        ("某某县卫生健康委员会", "department"),
        ("某某市", "other"),
        ("某某村", "other"),
    ],
)
def test_kind_by_suffix(core: str, kind: str) -> None:
    assert kind_by_suffix(core) == kind


# --- speed -----------------------------------------------------------------------------------------


def test_a_call_costs_well_under_a_millisecond() -> None:
    resolve_agency("官渡镇", "万源市")  # builds the lookup tables once
    start = time.perf_counter()
    for _ in range(1000):
        resolve_agency("横河镇人民政府", None, header="阳城县横河镇")
        resolve_agency("城关镇", None)
    assert (time.perf_counter() - start) / 2000 < 0.0005
