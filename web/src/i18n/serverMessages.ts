// The server's error messages are English and name exactly what is wrong
// ("unknown tag 'ctiy' at position 0; did you mean 'city'?"). For the
// messages an operator meets most — the segment language and roles — the
// Chinese UI shows them in Chinese; the original stays visible next to it
// (support and documentation quote it). Anything not listed passes through.

type Rule = [RegExp, (m: RegExpMatchArray) => string];

const roleZh: Record<string, string> = { viewer: "查看者", analyst: "分析师", operator: "运营", admin: "管理员" };

// What the parser expected (src/segment/parser.cc), in Chinese.
function what(w: string): string {
  if (w.startsWith("a tag name")) return "标签名、(、NOT、SEGMENT 或 ALL";
  if (w.startsWith("an operator")) return "比较符（= != < <= > >= IN BETWEEN IS CONTAINS）、AND、OR 或 )";
  if (w.startsWith("a value")) return "取值（'文本'、数字、TRUE、FALSE 或 DAYS_AGO(n)）";
  if (w.startsWith("'(' to start")) return "「(」开始取值列表";
  if (w.startsWith("',' or ')'")) return "取值列表中的「,」或「)」";
  return " " + w;
}

// What it found instead (DescribeToken in src/segment/lexer.cc).
function token(t: string): string {
  if (t === "end of input") return "条件结尾";
  return " " + t.replace(/^string /, "文本 ").replace(/^number /, "数字 ").replace(/^keyword /, "关键字 ");
}

const zh: Rule[] = [
  [/^unknown tag '(.+?)'(?:; did you mean '(.+?)'\?)?$/, (m) => `未知标签「${m[1]}」` + (m[2] ? `，是不是「${m[2]}」？` : "")],
  [/^unknown segment '(.+?)' \(no saved segments are available\)$/, (m) => `未知人群「${m[1]}」（还没有已保存的人群）`],
  [/^unknown segment '(.+?)'(?:; did you mean '(.+?)'\?)?$/, (m) => `未知人群「${m[1]}」` + (m[2] ? `，是不是「${m[2]}」？` : "")],
  [/^expected (.+?), found (.+)$/, (m) => `此处应为${what(m[1])}，实际是${token(m[2])}`],
  [/^empty expression$/, () => "条件为空"],
  [/^NULL is not a value; use IS NULL or IS NOT NULL$/, () => "NULL 不能作为取值；请使用 IS NULL（无值）或 IS NOT NULL（有值）"],
  [/^unexpected '\)' \(no matching '\('\)$/, () => "多余的右括号「)」"],
  [/^unexpected character '(.+?)'(?: \(did you mean '(.+?)'\?\))?$/, (m) => `无法识别的字符「${m[1]}」` + (m[2] ? `，是不是「${m[2]}」？` : "")],
  [/^type error: tag '(.+?)' is (\S+); only a bool tag can stand alone/, (m) => `类型错误：标签「${m[1]}」是 ${m[2]} 类型，只有布尔标签可以单独作为条件`],
  [/^type error: tag '(.+?)' is (\S+), it cannot be compared with (.+)$/, (m) => `类型错误：标签「${m[1]}」是 ${m[2]} 类型，不能与 ${m[3]} 比较`],
  [/^type error: CONTAINS needs a set tag; '(.+?)' is (\S+)$/, (m) => `类型错误：CONTAINS 只能用于多值标签，「${m[1]}」是 ${m[2]} 类型`],
  [/^type error: BETWEEN needs an int, decimal or date tag; '(.+?)' is (\S+)$/, (m) => `类型错误：BETWEEN 只能用于整数、小数或日期标签，「${m[1]}」是 ${m[2]} 类型`],
  [/^type error: '(.+?)' needs an int, decimal or date tag; '(.+?)' is (\S+)$/, (m) => `类型错误：「${m[1]}」只能用于整数、小数或日期标签，「${m[2]}」是 ${m[3]} 类型`],
  [/^tag '(.+?)' is offline$/, (m) => `标签「${m[1]}」已下线`],
  [/^tag '(.+?)' is a draft: .*$/, (m) => `标签「${m[1]}」还是草稿，尚未发布`],
  [/^(\S+) (\S+) needs the (\w+) role; this token has (\w+)$/, (m) => `需要「${roleZh[m[3]] ?? m[3]}」角色，当前令牌是「${roleZh[m[4]] ?? m[4]}」`],
  [/^no such endpoint$/, () => "服务器没有这个接口"],
];

// The message in `lang`, or null when there is no translation (show the original).
export function localizeServerMessage(lang: string, message: string): string | null {
  if (lang !== "zh-CN") return null;
  // Positions are shown by marking the text, not by a number.
  const core = message.replace(/ at position \d+/g, "");
  for (const [re, make] of zh) {
    const m = core.match(re);
    if (m) return make(m);
  }
  return null;
}
