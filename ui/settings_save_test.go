package ui

import (
	"strings"
	"testing"
	"time"
)

func TestSettingsSaveRestore(t *testing.T) {
	configured := Settings{IdleTimeout: time.Minute, Language: "en", Languages: []string{"en", "pl", "nl", "es", "fr"},
		Night: NightAuto, NightFrom: 22 * time.Hour, NightTo: 6 * time.Hour, Volume: 80}
	changed := configured
	changed.Volume, changed.Night, changed.Languages = 30, NightOn, []string{"en", "pl"}
	saved, err := changed.Save()
	if err != nil {
		t.Fatal(err)
	}
	got, err := configured.Restore(saved)
	if err != nil || got.Volume != 30 || got.Night != NightOn || strings.Join(got.Languages, ",") != "en,pl" {
		t.Fatalf("Restore = %+v, %v", got, err)
	}
	for name, bad := range map[string]string{
		"volume":   `{"Volume":400}`,
		"idle":     `{"IdleTimeout":1}`,
		"night":    `{"Night":"sometimes"}`,
		"hours":    `{"NightFrom":90000000000000}`,
		"language": `{"Languages":["en","de"]}`,
		"unknown":  `{"Brightness":3}`,
		"garbage":  `{`,
	} {
		got, err := configured.Restore(bad)
		if err == nil {
			t.Errorf("%s: Restore(%s) accepted", name, bad)
		}
		if got.Volume != configured.Volume || len(got.Languages) != len(configured.Languages) {
			t.Errorf("%s: a refused restore changed the settings: %+v", name, got)
		}
	}
}
