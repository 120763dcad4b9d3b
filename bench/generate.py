"""Synthetic documents in the format of sources/status-codes.zh-CN.txt, for benchmarks.

    .venv/bin/python bench/generate.py --codes 100000 --seed 1 -o /tmp/doc-100k.txt

A document has exactly `codes` rows for the `code` table, spread over many protocols (the
parser keeps a class's codes within N00..N99, so a large document needs many protocols, not
more codes per class). It uses every trait of the real document:

- a title, protocol headings with Latin names (`Kora12`, `Vesta/2`, `Lumen7状态码`) and a
  description line;
- "listed" protocols: class headings `Nxx标题` with a description line (or none, or an
  `N00 Series, …` item standing in for one), items `- CODE – 中文描述` (en dash, HTTP style) or
  `- CODE 描述` (no separator, FTP style), a few odd dashes, English text and doubled `。。`;
- sub-statuses under some codes (`- 403.1 – …`, `- 404.0 -(无) – …`), about 5% of the codes;
- "table" protocols without class headings: a pipe table of 2 or 3 cells whose rows are codes
  (any integer) and non-overlapping ranges (`0–999`), lone-dash cells and escaped pipes;
- blank lines here and there.

The output depends only on (codes, seed).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

SIZES = (1_000, 10_000, 100_000)

EN_DASH = "\u2013"
# Chinese words the descriptions are made of (status-code vocabulary).
WORDS = [
    "请求",
    "服务器",
    "客户端",
    "资源",
    "连接",
    "数据",
    "文件",
    "目录",
    "用户",
    "密码",
    "证书",
    "代理",
    "网关",
    "协议",
    "版本",
    "成功",
    "失败",
    "错误",
    "超时",
    "拒绝",
    "禁止",
    "允许",
    "完成",
    "继续",
    "处理",
    "等待",
    "关闭",
    "打开",
    "传输",
    "重试",
    "临时",
    "永久",
    "重定向",
    "位置",
    "内容",
    "实体",
    "范围",
    "格式",
    "语义",
    "冲突",
    "锁定",
    "存储",
    "空间",
    "配置",
    "策略",
    "站点",
    "访问",
    "映射",
    "认证",
    "授权",
    "登录",
    "账户",
    "系统",
    "状态",
    "帮助",
    "命令",
    "参数",
    "序列",
    "模式",
    "操作",
]
PUNCT = ",,、;"
TITLES = [
    "消息",
    "成功",
    "重定向",
    "客户端错误",
    "服务器错误",
    "初步",
    "完成",
    "中间",
    "瞬态否定",
    "永久性否定",
    "受保护",
    "扩展",
]
ENGLISH = (
    "Connection closed; transfer aborted.",
    "Integrity protected reply.",
    "Requested action not taken.",
    "Service ready for new user.",
    "Confidentiality protected reply.",
)
NAME_STEMS = [
    "Kora",
    "Vesta",
    "Lumen",
    "Orbit",
    "Zephyr",
    "Quill",
    "Nimbus",
    "Tessel",
    "Argo",
    "Brio",
    "Cobalt",
    "Delta",
    "Ember",
    "Fjord",
    "Gamma",
    "Helix",
    "Iris",
    "Jade",
    "Kite",
    "Lynx",
]
CONSTANTS = [
    "NORMAL",
    "GOING_AWAY",
    "PROTOCOL_ERROR",
    "UNSUPPORTED",
    "NO_STATUS",
    "ABNORMAL",
    "TOO_LARGE",
]
# Odd separators a hand-edited document has: hyphen-minus, em dash, minus sign.
ODD_DASHES = ("-", "\u2014", "\u2212")


class _Writer:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.lines: list[str] = []
        self.names: set[str] = set()

    def text(self, low: int = 2, high: int = 9) -> str:
        """A Chinese sentence of a few words, ending in 。"""
        rng = self.rng
        words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
        out = words[0]
        for word in words[1:]:
            out += (rng.choice(PUNCT) if rng.random() < 0.2 else "") + word
        return out + "。"

    def blank(self, chance: float = 0.02) -> None:
        if self.rng.random() < chance:
            self.lines.append("")

    def protocol_name(self, index: int) -> str:
        stem = NAME_STEMS[index % len(NAME_STEMS)]
        shape = self.rng.random()
        name = f"{stem}/{index}" if shape < 0.15 else f"{stem}{index}"
        assert name not in self.names
        self.names.add(name)
        return name

    def heading(self, name: str, suffix: str = "") -> None:
        self.blank(0.3)
        self.lines.append(name + suffix)
        if self.rng.random() < 0.8:
            self.lines.append(self.text(6, 20))

    # -- a protocol with class headings and list items ------------------------------------

    def listed_protocol(self, name: str, budget: int) -> int:
        """Classes of items; returns how many codes were written (at most `budget`)."""
        rng = self.rng
        self.heading(name)
        dash_style = rng.random() < 0.7  # True: `- 404 – text`; False: `- 110 text`
        digits = sorted(rng.sample(range(1, 10), rng.randint(4, 9)))
        written = 0
        for position, digit in enumerate(digits):
            left = budget - written
            if left <= 0:
                break
            # multi-digit codes N00..N99; the last class takes what it can
            count = min(left, 99 if position == len(digits) - 1 else rng.randint(30, 99))
            written += self.code_class(digit, count, dash_style)
        return written

    def code_class(self, digit: int, count: int, dash_style: bool) -> int:
        rng = self.rng
        self.blank()
        self.lines.append(f"{digit}xx{rng.choice(TITLES)}")
        shape = rng.random()
        series = False
        if shape < 0.85:
            self.lines.append(self.text(8, 30))
        elif shape < 0.92:
            # an `N00 Series` item stands in for the description (FTP's 6xx)
            self.lines.append(f"- {digit}00 Series,Replies regarding {rng.choice(TITLES)}")
            series = True
        # N01..N99 when N00 is the series item, else N00..N99
        first = digit * 100 + (1 if series else 0)
        numbers = sorted(rng.sample(range(first, digit * 100 + 100), count))
        for number in numbers:
            self.item(str(number), dash_style)
            if rng.random() < 0.01:
                self.sub_statuses(number, dash_style)
        return count

    def item(self, code: str, dash_style: bool, qualifier: str = "") -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.01:
            text = rng.choice(ENGLISH)  # untranslated text
        elif roll < 0.02:
            text = self.text()[:-1] + "。。"  # doubled punctuation
        elif roll < 0.1:
            text = f"({rng.choice(WORDS)}){self.text()}"
        else:
            text = self.text()
        if qualifier:
            self.lines.append(f"- {code} -({qualifier}) {EN_DASH} {text}")
        elif dash_style:
            dash = rng.choice(ODD_DASHES) if rng.random() < 0.01 else EN_DASH
            self.lines.append(f"- {code} {dash} {text}")
        else:
            self.lines.append(f"- {code} {text}")
        self.blank(0.005)

    def sub_statuses(self, number: int, dash_style: bool) -> None:
        rng = self.rng
        start = 0 if rng.random() < 0.3 else 1
        for minor in range(start, start + rng.randint(2, 20)):
            # `-(无) –` mixes dashes: only where the protocol's items use dashes anyway
            qualifier = "无" if minor == 0 and dash_style else ""
            self.item(f"{number}.{minor}", dash_style, qualifier)

    # -- a protocol with a pipe table ------------------------------------------------------

    def table_protocol(self, name: str, budget: int) -> int:
        rng = self.rng
        self.heading(name, "状态码" if rng.random() < 0.5 else "")
        three = rng.random() < 0.7
        self.lines.append("状态码 | 名称 | 描述 |" if three else "码 | 描述")
        self.lines.append("---|---|---|" if three else "---|---")
        count = min(budget, rng.randint(500, 3000))
        first_code = 1000

        def row(first_cell: str) -> None:
            description = self.text()
            if rng.random() < 0.01:
                description = description[:-1] + r" \| " + self.text()  # an escaped pipe
            if rng.random() < 0.01:
                description = EN_DASH  # "no value"
            if three:
                name = f"CLOSE_{rng.choice(CONSTANTS)}" if rng.random() < 0.6 else EN_DASH
                self.lines.append(f"{first_cell} | {name} | {description} |")
            else:
                self.lines.append(f"{first_cell} | {description}")

        row(f"0{EN_DASH}{first_code - 1}")  # a reserved block before the codes
        number = first_code
        for _ in range(count):
            row(str(number))
            number += 1 if rng.random() < 0.9 else rng.randint(2, 5)
        # blocks after the last code, never overlapping it or each other
        start = (number // 1000 + 1) * 1000
        for _ in range(rng.randint(1, 4)):
            size = rng.choice((100, 500, 1000))
            row(f"{start}{EN_DASH}{start + size - 1}")
            start += size
        return count


def generate(codes: int, seed: int = 1) -> str:
    """A document with exactly `codes` rows for the `code` table (plus sub-statuses, ranges)."""
    writer = _Writer(seed)
    writer.lines += ["目录", "合成的协议状态码文档(基准测试用)"]
    written = 0
    index = 0
    while written < codes:
        index += 1
        name = writer.protocol_name(index)
        budget = codes - written
        if writer.rng.random() < 0.85:
            written += writer.listed_protocol(name, budget)
        else:
            written += writer.table_protocol(name, budget)
    assert written == codes
    return "\n".join(writer.lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--codes", type=int, default=SIZES[0], help="rows of the code table")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    args = parser.parse_args(argv)
    text = generate(args.codes, args.seed)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
