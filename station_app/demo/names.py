"""The name pools of the demo data: surnames, given names, minority names, villages, phone
prefixes. Shared by the deputies (make.py) and the visitors (demo_receptions.py)."""

from __future__ import annotations

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
            "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN_M = "伟强军磊勇杰涛明超刚平辉建国华志斌鹏宇浩俊峰立新春海林波文德成兵光福"
GIVEN_F = "芳娜敏静丽艳娟霞秀英玲桂兰红梅琴云莲珍燕萍凤雪慧婷洁"
# Minority names, written as the people themselves write them.
MINORITY = (
    ("赛山·托西别克", "male", "哈萨克族"), ("阿依古丽·买买提", "female", "维吾尔族"),
    ("扎西多吉", "male", "藏族"), ("其木格", "female", "蒙古族"), ("阿不都热依木·吐尔逊", "male", "维吾尔族"),
    ("韦秀英", "female", "壮族"), ("吉克阿依", "female", "彝族"), ("马成福", "male", "回族"),
    ("巴特尔", "male", "蒙古族"), ("央金卓玛", "female", "藏族"),
)
VILLAGES = ("东营村", "西营村", "南街村", "北街村", "前屯村", "后屯村", "王庄村", "李家村", "张集村", "柳树村",
            "杏园村", "枣林村", "大店村", "小店村", "河口村", "新兴社区", "长官社区", "龙泉村", "石桥村", "马庄村")
PHONE_PREFIXES = ("133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "158", "159",
                  "177", "180", "182", "186", "187", "188", "189", "199")
