"""Deterministic demo data for 株洲市渌口区: budget units and the finance bureau's sections.

Pure data, no Django imports. ``UNITS`` lists parents before their children; a unit's
``parent_code`` is ``""`` for a top-level unit (主管部门). ``check()`` returns a list of
consistency problems (empty when the data is sound).
"""

REGION = ("430212", "株洲市渌口区")
PARENT_REGION = ("430200", "株洲市")

ADMIN = "administrative"
INSTITUTION = "institution"
TOWNSHIP = "township"
OTHER = "other"
KINDS = (ADMIN, INSTITUTION, TOWNSHIP, OTHER)

LEGAL = "行政政法股"
EDU = "教科文股"
ECON = "经济建设股"
AGRI = "农业农村股"
SOCIAL = "社会保障股"
GENERAL = "综合股"

# (name, duties)
SECTIONS: list[tuple[str, str]] = [
    (LEGAL, "负责政法、纪检监察、审计、统计、应急、市场监管等部门预算编制审核和资金管理"),
    (EDU, "负责教育、科技、文化旅游、卫生健康、宣传媒体等部门预算编制审核和资金管理"),
    (ECON, "负责发展改革、交通、住建、自然资源、生态环境、城市管理等部门预算和建设资金管理"),
    (AGRI, "负责农业农村、水利、林业、供销及乡镇预算编制审核和涉农资金统筹管理"),
    (SOCIAL, "负责人社、民政、医保、退役军人、残联等部门预算编制审核和社会保障资金管理"),
    (GENERAL, "负责党委、人大、政府、政协机关及群团组织预算编制审核和财政部门综合协调"),
]

# (code, name, kind, parent_code, section_name)
UNITS: list[tuple[str, str, str, str, str]] = [
    # 党委、人大、政府、政协机关
    ("101", "中共株洲市渌口区委员会办公室", ADMIN, "", GENERAL),
    ("102", "株洲市渌口区人民代表大会常务委员会办公室", ADMIN, "", GENERAL),
    ("103", "株洲市渌口区人民政府办公室", ADMIN, "", GENERAL),
    ("104", "中国人民政治协商会议株洲市渌口区委员会办公室", ADMIN, "", GENERAL),
    ("105", "中共株洲市渌口区纪律检查委员会", ADMIN, "", LEGAL),
    ("106", "中共株洲市渌口区委员会组织部", ADMIN, "", GENERAL),
    ("107", "中共株洲市渌口区委员会宣传部", ADMIN, "", GENERAL),
    ("108", "中共株洲市渌口区委员会统一战线工作部", ADMIN, "", GENERAL),
    ("109", "中共株洲市渌口区委员会政法委员会", ADMIN, "", LEGAL),
    ("110", "中共株洲市渌口区委员会党校", INSTITUTION, "", GENERAL),
    ("111", "株洲市渌口区融媒体中心", INSTITUTION, "", EDU),
    ("112", "株洲市渌口区档案馆", INSTITUTION, "", GENERAL),
    # 群团组织
    ("113", "共青团株洲市渌口区委员会", OTHER, "", GENERAL),
    ("114", "株洲市渌口区妇女联合会", OTHER, "", GENERAL),
    ("115", "株洲市渌口区总工会", OTHER, "", GENERAL),
    ("116", "株洲市渌口区科学技术协会", OTHER, "", EDU),
    ("117", "株洲市渌口区残疾人联合会", OTHER, "", SOCIAL),
    ("118", "株洲市渌口区工商业联合会", OTHER, "", GENERAL),
    # 政法
    ("119", "株洲市渌口区人民法院", ADMIN, "", LEGAL),
    ("120", "株洲市渌口区人民检察院", ADMIN, "", LEGAL),
    ("121", "株洲市渌口区公安局", ADMIN, "", LEGAL),
    ("122", "株洲市渌口区司法局", ADMIN, "", LEGAL),
    ("123", "株洲市渌口区信访局", ADMIN, "", LEGAL),
    # 政府工作部门
    ("124", "株洲市渌口区发展和改革局", ADMIN, "", ECON),
    ("125", "株洲市渌口区教育局", ADMIN, "", EDU),
    ("126", "株洲市渌口区科学技术和工业信息化局", ADMIN, "", EDU),
    ("127", "株洲市渌口区财政局", ADMIN, "", GENERAL),
    ("128", "株洲市渌口区人力资源和社会保障局", ADMIN, "", SOCIAL),
    ("129", "株洲市渌口区自然资源局", ADMIN, "", ECON),
    ("130", "株洲市生态环境局渌口分局", ADMIN, "", ECON),
    ("131", "株洲市渌口区住房和城乡建设局", ADMIN, "", ECON),
    ("132", "株洲市渌口区交通运输局", ADMIN, "", ECON),
    ("133", "株洲市渌口区水利局", ADMIN, "", AGRI),
    ("134", "株洲市渌口区农业农村局", ADMIN, "", AGRI),
    ("135", "株洲市渌口区林业局", ADMIN, "", AGRI),
    ("136", "株洲市渌口区商务局", ADMIN, "", ECON),
    ("137", "株洲市渌口区文化旅游广电体育局", ADMIN, "", EDU),
    ("138", "株洲市渌口区卫生健康局", ADMIN, "", EDU),
    ("139", "株洲市渌口区退役军人事务局", ADMIN, "", SOCIAL),
    ("140", "株洲市渌口区应急管理局", ADMIN, "", LEGAL),
    ("141", "株洲市渌口区审计局", ADMIN, "", LEGAL),
    ("142", "株洲市渌口区统计局", ADMIN, "", LEGAL),
    ("143", "株洲市渌口区市场监督管理局", ADMIN, "", LEGAL),
    ("144", "株洲市渌口区城市管理和综合执法局", ADMIN, "", ECON),
    ("145", "株洲市渌口区医疗保障局", ADMIN, "", SOCIAL),
    ("146", "株洲市渌口区民政局", ADMIN, "", SOCIAL),
    ("147", "株洲市渌口区机关事务服务中心", INSTITUTION, "", GENERAL),
    ("148", "株洲市渌口区人民武装部", ADMIN, "", LEGAL),
    ("149", "株洲市渌口区行政审批服务局", ADMIN, "", GENERAL),
    ("150", "株洲市渌口区供销合作社联合社", OTHER, "", AGRI),
    # 乡镇
    ("151", "株洲市渌口区渌口镇人民政府", TOWNSHIP, "", AGRI),
    ("152", "株洲市渌口区南洲镇人民政府", TOWNSHIP, "", AGRI),
    ("153", "株洲市渌口区淦田镇人民政府", TOWNSHIP, "", AGRI),
    ("154", "株洲市渌口区古岳峰镇人民政府", TOWNSHIP, "", AGRI),
    ("155", "株洲市渌口区龙门镇人民政府", TOWNSHIP, "", AGRI),
    ("156", "株洲市渌口区朱亭镇人民政府", TOWNSHIP, "", AGRI),
    ("157", "株洲市渌口区龙船镇人民政府", TOWNSHIP, "", AGRI),
    ("158", "株洲市渌口区龙潭镇人民政府", TOWNSHIP, "", AGRI),
    # 教育局所属学校
    ("125001", "株洲市渌口区第一中学", INSTITUTION, "125", EDU),
    ("125002", "株洲市渌口区第五中学", INSTITUTION, "125", EDU),
    ("125003", "株洲市渌口区职业中等专业学校", INSTITUTION, "125", EDU),
    ("125004", "株洲市渌口区渌口镇中心小学", INSTITUTION, "125", EDU),
    ("125005", "株洲市渌口区南洲镇中心学校", INSTITUTION, "125", EDU),
    ("125006", "株洲市渌口区淦田镇中心学校", INSTITUTION, "125", EDU),
    ("125007", "株洲市渌口区朱亭镇中心学校", INSTITUTION, "125", EDU),
    ("125008", "株洲市渌口区龙船镇中心学校", INSTITUTION, "125", EDU),
    ("125009", "株洲市渌口区实验幼儿园", INSTITUTION, "125", EDU),
    ("125010", "株洲市渌口区特殊教育学校", INSTITUTION, "125", EDU),
    # 卫生健康局所属医疗卫生机构
    ("138001", "株洲市渌口区人民医院", INSTITUTION, "138", EDU),
    ("138002", "株洲市渌口区中医医院", INSTITUTION, "138", EDU),
    ("138003", "株洲市渌口区妇幼保健计划生育服务中心", INSTITUTION, "138", EDU),
    ("138004", "株洲市渌口区疾病预防控制中心", INSTITUTION, "138", EDU),
    ("138005", "株洲市渌口区南洲镇卫生院", INSTITUTION, "138", EDU),
    ("138006", "株洲市渌口区淦田镇卫生院", INSTITUTION, "138", EDU),
    ("138007", "株洲市渌口区朱亭镇卫生院", INSTITUTION, "138", EDU),
    ("138008", "株洲市渌口区古岳峰镇卫生院", INSTITUTION, "138", EDU),
    # 其他部门所属事业单位
    ("127001", "株洲市渌口区国库集中支付中心", INSTITUTION, "127", GENERAL),
    ("128001", "株洲市渌口区就业服务中心", INSTITUTION, "128", SOCIAL),
    ("128002", "株洲市渌口区社会保险服务中心", INSTITUTION, "128", SOCIAL),
    ("129001", "株洲市渌口区不动产登记中心", INSTITUTION, "129", ECON),
    ("131001", "株洲市渌口区住房保障服务中心", INSTITUTION, "131", ECON),
    ("132001", "株洲市渌口区公路建设养护中心", INSTITUTION, "132", ECON),
    ("133001", "株洲市渌口区水利工程管理站", INSTITUTION, "133", AGRI),
    ("134001", "株洲市渌口区农业技术推广中心", INSTITUTION, "134", AGRI),
    ("134002", "株洲市渌口区畜牧水产事务中心", INSTITUTION, "134", AGRI),
    ("135001", "株洲市渌口区林业事务中心", INSTITUTION, "135", AGRI),
    ("137001", "株洲市渌口区图书馆", INSTITUTION, "137", EDU),
    ("137002", "株洲市渌口区文化馆", INSTITUTION, "137", EDU),
    ("144001", "株洲市渌口区环境卫生服务中心", INSTITUTION, "144", ECON),
    ("146001", "株洲市渌口区社会福利院", INSTITUTION, "146", SOCIAL),
    ("146002", "株洲市渌口区殡葬服务中心", INSTITUTION, "146", SOCIAL),
]

EXPECTED_UNIT_COUNT = 91

# Role key -> unit code, for the demo scenario.
KEY_UNITS: dict[str, str] = {
    "education_bureau": "125",
    "a_school": "125001",
    "police": "121",
    "health": "138",
    "sanitation": "144001",
    "petition": "123",
    "finance": "127",
}


def check() -> list[str]:
    """Return a list of problems in the data above; empty when consistent."""
    problems: list[str] = []
    section_names = [name for name, _duties in SECTIONS]
    if len(set(section_names)) != len(section_names):
        problems.append("duplicate section names")
    known_sections = set(section_names)

    seen: dict[str, tuple[str, str, str, str, str]] = {}
    names: set[str] = set()
    for unit in UNITS:
        code, name, kind, parent_code, section = unit
        if not code.isdigit():
            problems.append(f"{code}: code is not numeric")
        if code in seen:
            problems.append(f"{code}: duplicate code")
        if name in names:
            problems.append(f"{code}: duplicate name {name}")
        names.add(name)
        if kind not in KINDS:
            problems.append(f"{code}: unknown kind {kind!r}")
        if section not in known_sections:
            problems.append(f"{code}: unknown section {section!r}")
        if parent_code:
            parent = seen.get(parent_code)
            if parent is None:
                problems.append(f"{code}: parent {parent_code} missing or not defined before use")
            else:
                if parent[3]:
                    problems.append(f"{code}: parent {parent_code} is not top-level (depth > 2)")
                if parent[4] != section:
                    problems.append(f"{code}: section differs from parent {parent_code}")
                if not (len(code) == len(parent_code) + 3 and code.startswith(parent_code)):
                    problems.append(f"{code}: code is not parent code + 3 digits")
        elif len(code) != 3:
            problems.append(f"{code}: top-level code is not 3 digits")
        seen[code] = unit

    if len(UNITS) != EXPECTED_UNIT_COUNT:
        problems.append(f"unit count is {len(UNITS)}, expected {EXPECTED_UNIT_COUNT}")
    for role, code in KEY_UNITS.items():
        if code not in seen:
            problems.append(f"KEY_UNITS[{role!r}]: unknown unit code {code}")
    school = seen.get(KEY_UNITS.get("a_school", ""))
    if school is None or school[3] != KEY_UNITS.get("education_bureau"):
        problems.append("KEY_UNITS['a_school'] is not a sub-unit of the education bureau")
    return problems
