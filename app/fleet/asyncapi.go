package fleet

import _ "embed"

// AsyncAPI is the document of every topic and payload of the link
// (AsyncAPI 3.0); a test holds it and the code to each other.
//
//go:embed asyncapi.json
var AsyncAPI []byte
