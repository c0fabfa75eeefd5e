package app

import (
	"fmt"
	"strings"
)

// Column is one column of doors as the operator describes it (config
// [[locker.columns]]): which board drives it, its first channel, and the
// door sizes from top to bottom.
type Column struct {
	Board        uint8  `toml:"board"`
	FirstChannel uint8  `toml:"first_channel"`
	Sizes        string `toml:"sizes"` // e.g. "SSSMML", top to bottom
}

// DemoColumns is the built-in demo locker: 24 doors in four columns of
// small, medium and large doors on one board.
func DemoColumns() []Column {
	return []Column{
		{Board: 1, FirstChannel: 1, Sizes: "SSSSMM"},
		{Board: 1, FirstChannel: 7, Sizes: "SSMMLL"},
		{Board: 1, FirstChannel: 13, Sizes: "MMMLL"},
		{Board: 1, FirstChannel: 18, Sizes: "SSSSSML"},
	}
}

// Layout turns columns into doors, numbered 1.. column by column, top to
// bottom, with their place and wiring. The lowest lowRows doors of each
// column are the low, accessible ones. A bad column is a *ConfigError
// whose key is as it appears in the kiosk's TOML
// ("locker.columns[2].sizes").
func Layout(cols []Column, lowRows int) ([]Door, error) {
	var out []Door
	seen := map[[2]uint8]bool{}
	for c, col := range cols {
		sizes := strings.ToUpper(strings.ReplaceAll(col.Sizes, " ", ""))
		for i, s := range sizes {
			if s != 'S' && s != 'M' && s != 'L' {
				return nil, ConfigErrorf(fmt.Sprintf("locker.columns[%d].sizes", c), "%q is not S, M or L", s)
			}
			ch := int(col.FirstChannel) + i
			if ch > 255 {
				return nil, ConfigErrorf(fmt.Sprintf("locker.columns[%d]", c), "channel %d out of range", ch)
			}
			key := [2]uint8{col.Board, uint8(ch)}
			if seen[key] {
				return nil, ConfigErrorf(fmt.Sprintf("locker.columns[%d]", c), "board %d channel %d used twice", col.Board, ch)
			}
			seen[key] = true
			out = append(out, Door{
				ID: int64(len(out) + 1), Board: col.Board, Channel: uint8(ch), Size: Size(s),
				Col: c + 1, Row: i + 1, Low: i >= len(sizes)-lowRows,
			})
		}
	}
	return out, nil
}
