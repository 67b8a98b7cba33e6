package procnet

// quickARPRow reads the flags and the device of a net/arp row in one pass
// over the bytes, without splitting the line into fields. It takes only a
// row exactly as the kernel prints it (a canonical dotted quad, "0x" hex
// of at most 8 digits for the type and flags, fields separated by spaces,
// 5 or 6 fields) and says ok; anything else, valid or not, is left to the
// general parser, which decides and names what is wrong. So the two never
// disagree, and the fuzz test of the counting pass against the full parse
// holds for both.
func quickARPRow(b []byte) (flags uint32, device []byte, ok bool) {
	i, ok := quickIPv4(b)
	if !ok {
		return 0, nil, false
	}
	if _, i, ok = quickHex(b, skipSpaces(b, i)); !ok {
		return 0, nil, false
	}
	if flags, i, ok = quickHex(b, skipSpaces(b, i)); !ok {
		return 0, nil, false
	}
	// The rest: [hardware address] mask device.
	fields := 0
	for i = skipSpaces(b, i); i < len(b); i = skipSpaces(b, i) {
		start := i
		i = skipNonBlank(b, i)
		for i < len(b) && b[i] != ' ' {
			if b[i] >= '\t' && b[i] <= '\r' {
				return 0, nil, false // a tab, CR, VT or FF also separates fields
			}
			i++
		}
		device = b[start:i]
		fields++
	}
	if fields != 2 && fields != 3 {
		return 0, nil, false
	}
	return flags, device, true
}

// quickIPv4 reads a canonical dotted quad that ends in a space and
// returns the index of that space.
func quickIPv4(b []byte) (int, bool) {
	i := 0
	for part := 0; part < 4; part++ {
		if part > 0 {
			if i >= len(b) || b[i] != '.' {
				return 0, false
			}
			i++
		}
		start, val := i, 0
		for i < len(b) && i-start < 3 && '0' <= b[i] && b[i] <= '9' {
			val = val*10 + int(b[i]-'0')
			i++
		}
		if i == start || val > 255 || (i-start > 1 && b[start] == '0') {
			return 0, false
		}
	}
	return i, i < len(b) && b[i] == ' '
}

// quickHex reads "0x" and 1 to 8 hex digits followed by a space.
func quickHex(b []byte, i int) (uint32, int, bool) {
	if i+2 >= len(b) || b[i] != '0' || b[i+1] != 'x' {
		return 0, 0, false
	}
	i += 2
	start := i
	var v uint32
	for i < len(b) && b[i] != ' ' {
		d, ok := hexDigit(b[i])
		if !ok {
			return 0, 0, false
		}
		if i-start == 8 {
			return 0, 0, false
		}
		v = v<<4 | uint32(d)
		i++
	}
	return v, i, i > start && i < len(b)
}
