package fleetcli

import (
	"encoding/json"
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"pudo/app/central/store"
	"pudo/app/fleet"
)

func (c *cli) doors() error {
	c.arg()
	if c.locker == "" || c.fs.NArg() > 1 {
		return usageError("doors takes one locker id: pudo fleet doors L")
	}
	db, err := c.useDB()
	if err != nil {
		return err
	}
	var raw []byte
	if db {
		raw, _, err = c.st.Doors(c.ctx, c.locker)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("central holds no doors of locker %q: it never connected, or has not published them", c.locker)
		}
		if err != nil {
			return err
		}
	} else {
		d, err := c.dialDirect()
		if err != nil {
			return err
		}
		defer d.close()
		topic := fleet.Topics{Fleet: c.fleetName, Locker: c.locker}.Doors()
		err = d.read(c.ctx, []string{topic}, c.wait, func(_, _ string, payload []byte) {
			if raw == nil {
				raw = payload
			}
		})
		if err != nil {
			return err
		}
		if raw == nil {
			return fmt.Errorf("no retained doors of locker %q at the broker within %s (or larger than %d KiB, which the broker does not send this tool)",
				c.locker, c.wait, maxDirectMessage>>10)
		}
	}
	var d fleet.Doors
	if err := json.Unmarshal(raw, &d); err != nil || d.Locker != c.locker {
		return fmt.Errorf("the doors of %s are not readable (%v)", c.locker, err)
	}
	if c.jsonOut {
		return json.NewEncoder(c.out).Encode(d)
	}
	fmt.Fprintf(c.out, "%s, doors as of %s\n", c.locker, d.At.Local().Format(time.DateTime))
	tw := tabwriter.NewWriter(c.out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DOOR\tSIZE\tCOLUMN\tROW\tSTATE\tSENSOR\tFAULT\tRENT")
	for _, x := range d.Doors {
		rent := ""
		if x.RentID > 0 {
			rent = fmt.Sprint(x.RentID)
		}
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%s\t%s\t%v\t%s\n", x.ID, x.Size, x.Column, x.Row, x.State, x.Sensor, x.Fault, rent)
	}
	return tw.Flush()
}
