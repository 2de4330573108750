package xsd

// validTime checks xsd:time as libxml2 2.9.14 does: leading blanks are
// skipped but trailing ones are not; hh:mm:ss with an optional fraction
// (seconds summed in floating point, so 59.99999999999999 counts as 60),
// hours 00-23 or 24:00:00 exactly, and an optional zone Z or ±hh:mm within
// ±14:00.
func validTime(v string) bool {
	i := skipBlanks(v, 0)
	if i < len(v) && !isDigit(v[i]) {
		return false
	}
	i, ok := parseClock(v, i)
	if !ok {
		return false
	}
	i, ok = parseZone(v, i)
	return ok && i == len(v)
}

// two reads two digits at v[i:].
func two(v string, i int) (int, bool) {
	if i+1 >= len(v) || !isDigit(v[i]) || !isDigit(v[i+1]) {
		return 0, false
	}
	return int(v[i]-'0')*10 + int(v[i+1]-'0'), true
}

// parseClock reads hh:mm:ss(.s+)? and returns the index after it.
func parseClock(v string, i int) (int, bool) {
	hour, ok := two(v, i)
	if !ok || i+2 >= len(v) || v[i+2] != ':' || hour > 24 {
		return 0, false
	}
	minute, ok := two(v, i+3)
	if !ok || minute > 59 || i+5 >= len(v) || v[i+5] != ':' {
		return 0, false
	}
	whole, ok := two(v, i+6)
	if !ok {
		return 0, false
	}
	i += 8
	sec := float64(whole)
	if i < len(v) && v[i] == '.' {
		i++
		if i >= len(v) || !isDigit(v[i]) {
			return 0, false
		}
		mult := 1.0
		for ; i < len(v) && isDigit(v[i]); i++ {
			mult /= 10
			sec += float64(float64(v[i]-'0') * mult) // no fused multiply-add, as in C
		}
	}
	endOfDay := hour == 24 && minute == 0 && sec == 0
	if !(sec < 60) || (hour == 24 && !endOfDay) {
		return 0, false
	}
	return i, true
}

// parseZone reads an optional Z or ±hh:mm and returns the index after it.
func parseZone(v string, i int) (int, bool) {
	if i == len(v) {
		return i, true
	}
	switch v[i] {
	case 'Z':
		return i + 1, true
	case '+', '-':
	default:
		return 0, false
	}
	hour, ok := two(v, i+1)
	if !ok || hour > 23 || i+3 >= len(v) || v[i+3] != ':' {
		return 0, false
	}
	minute, ok := two(v, i+4)
	if !ok || minute > 59 || hour*60+minute > 14*60 {
		return 0, false
	}
	return i + 6, true
}

// validDate checks xsd:date as libxml2 2.9.14 does: no surrounding blanks,
// a year of at least four digits (no leading zero beyond four, not 0000,
// optionally negative), -mm-dd with a day that exists in that month, and
// an optional zone.
func validDate(v string) bool {
	i, year, ok := parseYear(v)
	if !ok || i >= len(v) || v[i] != '-' {
		return false
	}
	month, ok := two(v, i+1)
	if !ok || month < 1 || month > 12 || i+3 >= len(v) || v[i+3] != '-' {
		return false
	}
	day, ok := two(v, i+4)
	if !ok || day < 1 || day > daysIn(year, month) {
		return false
	}
	end, ok := parseZone(v, i+6)
	return ok && end == len(v)
}

// parseYear reads -?[0-9]{4,} and returns the index after it.
func parseYear(v string) (i int, year int64, ok bool) {
	neg := i < len(v) && v[i] == '-'
	if neg {
		i++
	}
	first := i
	for ; i < len(v) && isDigit(v[i]); i++ {
		d := int64(v[i] - '0')
		if year > (1<<63-1-d)/10 {
			return 0, 0, false
		}
		year = year*10 + d
	}
	n := i - first
	if n < 4 || (n > 4 && v[first] == '0') || year == 0 {
		return 0, 0, false
	}
	if neg {
		year = -year
	}
	return i, year, true
}

// daysIn returns the number of days of month in year (proleptic, with
// libxml2's leap rule applied to negative years too).
func daysIn(year int64, month int) int {
	days := [12]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	if month == 2 && ((year%4 == 0 && year%100 != 0) || year%400 == 0) {
		return 29
	}
	return days[month-1]
}
