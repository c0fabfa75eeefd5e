package localeenv

import "testing"

func TestFix(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string // LANGUAGE afterwards
	}{
		{"debian default", map[string]string{"LANG": "C.UTF-8"}, "en"},
		{"lower case", map[string]string{"LANG": "C.utf8"}, "en"},
		{"posix modifier", map[string]string{"LC_ALL": "POSIX@euro"}, "en"},
		{"LC_ALL wins", map[string]string{"LC_ALL": "C.UTF-8", "LANG": "pl_PL.UTF-8"}, "en"},
		{"LC_MESSAGES before LANG", map[string]string{"LC_MESSAGES": "C.UTF-8", "LANG": "pl_PL.UTF-8"}, "en"},
		{"a real locale", map[string]string{"LANG": "pl_PL.UTF-8"}, ""},
		{"LC_ALL real over C LANG", map[string]string{"LC_ALL": "fr_FR.UTF-8", "LANG": "C.UTF-8"}, ""},
		{"plain C is understood", map[string]string{"LANG": "C"}, ""},
		{"nothing set", map[string]string{}, ""},
		{"LANGUAGE kept", map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "nl"}, "nl"},
	}
	for _, tc := range tests {
		env := map[string]string{}
		for k, v := range tc.env {
			env[k] = v
		}
		Fix(func(k string) string { return env[k] }, func(k, v string) error { env[k] = v; return nil })
		if got := env["LANGUAGE"]; got != tc.want {
			t.Errorf("%s: LANGUAGE=%q, want %q", tc.name, got, tc.want)
		}
	}
}
