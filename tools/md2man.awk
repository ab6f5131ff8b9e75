# md2man.awk - docs/profkit.1.md (the subset of pandoc's man-page markdown
# it uses) to roff for man(7): `awk -f tools/md2man.awk docs/profkit.1.md`.
#   % NAME(SECTION) SOURCE | MANUAL     the title line -> .TH
#   # HEADING                           -> .SH
#   TERM / ":   definition" (+ lines indented 4 spaces)   -> .TP
#   paragraphs (blank-line separated)   -> .PP
#   lines indented 4 spaces after a blank line, outside a definition
#                                       -> a literal block (.nf/.fi)
#   **bold**, *italic*, `code`          -> \fB \fI \f[CR]
# Roff specials are escaped: backslash, a leading . or ', and - (as \-,
# so options stay copy-pasteable). Written for POSIX awk (mawk).

function esc(s) {
	gsub(/\\/, "\\e", s)
	gsub(/-/, "\\-", s)
	gsub(/\342\200\224/, "\\(em", s)
	gsub(/\342\200\246/, "...", s)
	gsub(/\302\265/, "\\(mc", s)
	gsub(/\342\210\222/, "\\-", s)
	return s
}

# inline markup of one line (already escaped)
function inline(s,    out, i, c, rest, j, mark) {
	out = ""
	while (length(s) > 0) {
		i = match(s, /(\*\*|\*|`)/)
		if (i == 0) {
			out = out s
			break
		}
		out = out substr(s, 1, i - 1)
		mark = substr(s, i, RLENGTH)
		rest = substr(s, i + RLENGTH)
		j = index(rest, mark)
		# a lone * or ` is text
		if (j == 0 || (mark == "*" && j == 1)) {
			out = out mark
			s = rest
			continue
		}
		c = substr(rest, 1, j - 1)
		if (mark == "**")
			out = out "\\fB" c "\\fR"
		else if (mark == "*")
			out = out "\\fI" c "\\fR"
		else
			out = out "\\f[CR]" c "\\fR"
		s = substr(rest, j + length(mark))
	}
	return out
}

function text(s) {
	s = inline(esc(s))
	if (s ~ /^[.']/)
		s = "\\&" s
	return s
}

function end_code() {
	if (code) {
		print ".fi"
		print ".RE"
		code = 0
	}
}

NR == 1 && /^% / {
	# % PROFKIT(1) profkit 0.1.0 | User Commands
	t = substr($0, 3)
	manual = t
	sub(/^[^|]*\| */, "", manual)
	sub(/ *\|.*$/, "", t)
	name = t
	sub(/\(.*$/, "", name)
	sec = t
	sub(/^[^(]*\(/, "", sec)
	sub(/\).*$/, "", sec)
	source = t
	sub(/^[^ ]* */, "", source)
	printf ".TH \"%s\" \"%s\" \"\" \"%s\" \"%s\"\n", name, sec, source,
	    manual
	# no hyphenation, ragged right: options stay whole
	print ".nh"
	print ".ad l"
	next
}

/^# / {
	end_code()
	print ".SH " toupper(substr($0, 3))
	para = 0
	def = 0
	pending = ""
	next
}

/^$/ {
	if (pending != "") {
		print ".PP"
		print text(pending)
		pending = ""
	}
	blank = 1
	def = 0
	para = 0
	if (code)
		held++
	next
}

/^:   / {
	# the line before was a term
	print ".TP"
	print text(pending)
	pending = ""
	print text(substr($0, 5))
	def = 1
	blank = 0
	next
}

/^    / {
	if (def) {
		print text(substr($0, 5))
		next
	}
	if (code || blank) {
		if (pending != "") {
			print ".PP"
			print text(pending)
			pending = ""
		}
		if (!code) {
			print ".RS 4"
			print ".nf"
			code = 1
			held = 0
		}
		for (; held > 0; held--)
			print ""
		line = esc(substr($0, 5))
		if (line ~ /^[.']/)
			line = "\\&" line
		print line
		blank = 0
		next
	}
}

{
	end_code()
	blank = 0
	# a paragraph's first line is held: it may be a definition's term
	if (pending != "") {
		print ".PP"
		print text(pending)
		pending = ""
		para = 1
	}
	if (para) {
		print text($0)
		next
	}
	pending = $0
}

END {
	end_code()
	if (pending != "") {
		print ".PP"
		print text(pending)
	}
}
