#!/bin/bash
# bench/thesis/html.sh: turns report.md into one self-contained HTML page, its PNG figures embedded as data URIs.
#
# Usage: bench/thesis/html.sh REPORT.md > report.html
# Knows only the markdown report.sh writes: headings, tables, fenced code, lists, images,
# paragraphs, and `code`, **bold**, *italic* and [links] inside them.
set -u
MD=$1
DIR=$(cd "$(dirname "$MD")" && pwd) || exit 1
awk -v dir="$DIR" '
function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); return s }
function inline(s,    out, pre, mid) {
	s = esc(s)
	while (match(s, /`[^`]+`/)) { out = out substr(s, 1, RSTART - 1) "<code>" substr(s, RSTART + 1, RLENGTH - 2) "</code>"; s = substr(s, RSTART + RLENGTH) }
	s = out s; out = ""
	while (match(s, /\*\*[^*]+\*\*/)) { out = out substr(s, 1, RSTART - 1) "<b>" substr(s, RSTART + 2, RLENGTH - 4) "</b>"; s = substr(s, RSTART + RLENGTH) }
	s = out s; out = ""
	while (match(s, /\*[^* ][^*]*\*/)) { out = out substr(s, 1, RSTART - 1) "<i>" substr(s, RSTART + 1, RLENGTH - 2) "</i>"; s = substr(s, RSTART + RLENGTH) }
	s = out s; out = ""
	while (match(s, /\[[^]]+\]\([^)]+\)/)) {
		mid = substr(s, RSTART, RLENGTH); pre = index(mid, "](")
		out = out substr(s, 1, RSTART - 1) "<a href=\"" substr(mid, pre + 2, length(mid) - pre - 2) "\">" substr(mid, 2, pre - 2) "</a>"
		s = substr(s, RSTART + RLENGTH)
	}
	return out s
}
function close_blocks() {
	if (para != "") { print "<p>" inline(para) "</p>"; para = "" }
	if (inlist) { print "</ul>"; inlist = 0 }
	if (intable) { print "</tbody></table>"; intable = 0 }
}
function cells(line, a,    n) { sub(/^\| */, "", line); sub(/ *\|$/, "", line); return split(line, a, / *\| */) }
BEGIN {
	print "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>tinyvmm: the thesis regenerated</title>"
	print "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;line-height:1.45}"
	print "table{border-collapse:collapse;margin:1em 0;font-size:90%}td,th{border:1px solid #bbb;padding:3px 7px}"
	print "th{background:#eee}td.r{text-align:right}pre{background:#f6f6f6;padding:.6em;overflow-x:auto;font-size:85%}"
	print "img{max-width:100%;border:1px solid #ddd}code{background:#f3f3f3}</style></head><body>"
}
incode { if ($0 ~ /^```/) { print "</pre>"; incode = 0 } else print esc($0); next }
/^```/ { close_blocks(); print "<pre>"; incode = 1; next }
/^#+ / { close_blocks(); n = index($0, " ") - 1; printf "<h%d>%s</h%d>\n", n, inline(substr($0, n + 2)), n; next }
/^!\[[^]]*\]\([^)]+\)$/ {
	close_blocks(); alt = substr($0, 3, index($0, "](") - 3); f = substr($0, index($0, "](") + 2); sub(/\)$/, "", f)
	data = ""; cmd = "base64 -w0 \"" dir "/" f "\" 2>/dev/null"; cmd | getline data; close(cmd)
	if (data != "") printf "<p><img alt=\"%s\" src=\"data:image/png;base64,%s\"></p>\n", esc(alt), data
	else printf "<p><i>(figure %s missing)</i></p>\n", esc(f)
	next
}
/^\|/ {
	if (para != "" || inlist) { t = intable; intable = 0; close_blocks(); intable = t }
	if (!intable) { n = cells($0, head); hdr = 1; intable = 1; next }
	if (hdr) {
		cells($0, al); for (i = 1; i <= n; i++) right[i] = (al[i] ~ /:$/)
		printf "<table><thead><tr>"; for (i = 1; i <= n; i++) printf "<th>%s</th>", inline(head[i]); print "</tr></thead><tbody>"
		hdr = 0; next
	}
	m = cells($0, c); printf "<tr>"
	for (i = 1; i <= m; i++) printf "<td%s>%s</td>", (right[i] ? " class=\"r\"" : ""), inline(c[i])
	print "</tr>"; next
}
/^- / { if (para != "") { print "<p>" inline(para) "</p>"; para = "" }
	if (intable) { print "</tbody></table>"; intable = 0 }
	if (!inlist) { print "<ul>"; inlist = 1 } else print "</li>"
	printf "<li>%s", inline(substr($0, 3)); next }
/^  [^ ]/ && inlist { printf " %s", inline(substr($0, 3)); next }
/^$/ { if (inlist) print "</li>"; close_blocks(); next }
{ if (intable) { print "</tbody></table>"; intable = 0 }; para = (para == "" ? $0 : para " " $0) }
END { if (inlist) print "</li>"; close_blocks(); print "</body></html>" }
' "$MD"
