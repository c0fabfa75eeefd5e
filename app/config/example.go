package config

import _ "embed"

// Example is the documented configuration file with every key at its
// default; the package installs it as /etc/pudo/pudo.toml.
//
//go:embed pudo.example.toml
var Example []byte
