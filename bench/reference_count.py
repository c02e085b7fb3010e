#!/usr/bin/env python3
"""A slow, obvious row-by-row evaluator of the segment language (SPEC
semantics), to arbitrate when tagloop and PostgreSQL disagree on a suite
count: it reads the member CSV and its .types file and prints one count per
suite query. Only the standard library; meant for small files (~100k rows).

  bench/reference_count.py --csv users.csv --suite bench/suite.txt [--as-of 2026-10-31] [--only q07]
"""
import argparse
import csv
import datetime
import decimal
import re
import sys

TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<op><>|!=|<=|>=|[=<>(),@])"
                   r"|(?P<word>[A-Za-z_][A-Za-z0-9_]*))")
KEYWORDS = {"AND", "OR", "NOT", "IN", "BETWEEN", "IS", "NULL", "CONTAINS", "ANY", "ALL", "TRUE", "FALSE",
            "DAYS_AGO", "SEGMENT"}


def tokenize(text):
    pos, out = 0, []
    text = text.rstrip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise SyntaxError(f"bad token at {pos}: {text[pos:pos + 10]!r}")
        pos = m.end()
        kind = m.lastgroup
        value = m.group(kind)
        if kind == "word" and value.upper() in KEYWORDS:
            kind, value = "kw", value.upper()
        elif kind == "str":
            value = value[1:-1].replace("''", "'")
        out.append((kind, value))
    out.append(("end", None))
    return out


class Parser:
    def __init__(self, text, types, as_of):
        self.toks, self.i, self.types, self.as_of = tokenize(text), 0, types, as_of

    def peek(self, *values):
        return self.toks[self.i][1] in values and self.toks[self.i][0] in ("kw", "op")

    def take(self, value=None):
        tok = self.toks[self.i]
        if value is not None and tok[1] != value:
            raise SyntaxError(f"want {value}, got {tok}")
        self.i += 1
        return tok

    def parse(self):
        e = self.or_expr()
        self.take(None) if self.toks[self.i][0] == "end" else self.take("<end>")
        return e

    def or_expr(self):
        terms = [self.and_expr()]
        while self.peek("OR"):
            self.take()
            terms.append(self.and_expr())
        return terms[0] if len(terms) == 1 else (lambda r, t=terms: any(f(r) for f in t))

    def and_expr(self):
        terms = [self.not_expr()]
        while self.peek("AND"):
            self.take()
            terms.append(self.not_expr())
        return terms[0] if len(terms) == 1 else (lambda r, t=terms: all(f(r) for f in t))

    def not_expr(self):
        if self.peek("NOT"):
            self.take()
            e = self.not_expr()
            return lambda r: not e(r)
        if self.peek("("):
            self.take()
            e = self.or_expr()
            self.take(")")
            return e
        return self.predicate()

    def literal(self, kind):
        tok = self.take()
        if tok == ("kw", "DAYS_AGO"):
            self.take("(")
            n = int(self.take()[1])
            self.take(")")
            return (self.as_of - datetime.timedelta(days=n)).isoformat()
        if tok[0] == "kw" and tok[1] in ("TRUE", "FALSE"):
            return tok[1] == "TRUE"
        if kind == "int":
            return int(tok[1])
        if kind.startswith("decimal"):
            return decimal.Decimal(tok[1])
        return tok[1]

    def literal_list(self, kind):
        self.take("(")
        values = [self.literal(kind)]
        while self.peek(","):
            self.take()
            values.append(self.literal(kind))
        self.take(")")
        return values

    def predicate(self):
        name = self.take()[1]
        kind = self.types[name]
        get = lambda r: r[name]  # noqa: E731
        is_set = kind == "set"
        if self.peek("IS"):
            self.take()
            negate = self.peek("NOT") and self.take()
            self.take("NULL")
            return (lambda r: get(r) is not None) if negate else (lambda r: get(r) is None)
        if self.peek("CONTAINS"):
            self.take()
            mode = self.take()[1]
            values = set(self.literal_list(kind))
            if mode == "ANY":
                return lambda r: get(r) is not None and bool(get(r) & values)
            return lambda r: get(r) is not None and values <= get(r)
        negate = False
        if self.peek("NOT"):
            self.take()
            negate = True
        if self.peek("IN"):
            self.take()
            values = set(self.literal_list(kind))
            if is_set:
                hit = lambda v: bool(v & values)  # noqa: E731
            else:
                hit = lambda v: v in values  # noqa: E731
            if negate:
                return lambda r: get(r) is not None and not hit(get(r))
            return lambda r: get(r) is not None and hit(get(r))
        if self.peek("BETWEEN"):
            self.take()
            lo = self.literal(kind)
            self.take("AND")
            hi = self.literal(kind)
            if negate:
                return lambda r: get(r) is not None and not (lo <= get(r) <= hi)
            return lambda r: get(r) is not None and lo <= get(r) <= hi
        if negate:
            raise SyntaxError("NOT must be followed by IN or BETWEEN here")
        if self.peek("=", "!=", "<>", "<", "<=", ">", ">="):
            op = self.take()[1]
            v = self.literal(kind)
            if is_set:
                if op == "=":
                    return lambda r: get(r) is not None and v in get(r)
                if op in ("!=", "<>"):
                    return lambda r: get(r) is not None and v not in get(r)
                raise SyntaxError("range on a set tag")
            cmp = {"=": lambda a: a == v, "!=": lambda a: a != v, "<>": lambda a: a != v, "<": lambda a: a < v,
                   "<=": lambda a: a <= v, ">": lambda a: a > v, ">=": lambda a: a >= v}[op]
            return lambda r: get(r) is not None and cmp(get(r))
        if kind != "bool":
            raise SyntaxError(f"bare non-bool tag {name}")
        return lambda r: get(r) is True


def convert(kind, cell):
    if cell == "":
        return None
    if kind == "bool":
        return cell.lower() in ("1", "true")
    if kind == "int":
        return int(cell)
    if kind.startswith("decimal"):
        return decimal.Decimal(cell)
    if kind == "set":
        return frozenset(cell.split("|"))
    return cell  # enum, date (ISO strings compare as dates)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--csv", required=True)
    ap.add_argument("--types")
    ap.add_argument("--suite", default="bench/suite.txt")
    ap.add_argument("--as-of", default="2026-10-31")
    ap.add_argument("--only")
    args = ap.parse_args()
    types = {}
    for entry in open(args.types or args.csv + ".types").read().strip().split(","):
        name, kind = entry.split(":", 1)
        types[name] = kind
    queries, current = [], None
    for line in open(args.suite, encoding="utf-8"):
        if line.startswith("query "):
            current = {"id": line.split()[1], "tagloop": ""}
            queries.append(current)
            field = None
        elif line.startswith("tagloop:"):
            field = "tagloop"
            current[field] = line[8:].strip()
        elif line.startswith("sql:"):
            field = None
        elif line[:1] in (" ", "\t") and line.strip() and field:
            current[field] += " " + line.strip()
    as_of = datetime.date.fromisoformat(args.as_of)
    compiled = [(q["id"], Parser(q["tagloop"], types, as_of).parse()) for q in queries
                if not args.only or q["id"] == args.only]
    counts = {qid: 0 for qid, _ in compiled}
    with open(args.csv, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        kinds = [types.get(h, "enum") for h in header]
        for cells in reader:
            row = {h: convert(k, c) for h, k, c in zip(header, kinds, cells)}
            for qid, pred in compiled:
                if pred(row):
                    counts[qid] += 1
    for qid, _ in compiled:
        print(qid, counts[qid])


if __name__ == "__main__":
    sys.exit(main())
