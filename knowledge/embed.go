package knowledge

import (
	"embed"
	"io/fs"
)

//go:embed clinic/*.yaml
var clinicFiles embed.FS

// Clinic returns the London Spine Unit's knowledge folder, embedded in the
// binary as the default knowledge.
func Clinic() fs.FS {
	sub, err := fs.Sub(clinicFiles, "clinic")
	if err != nil {
		panic(err) // the embed pattern above guarantees the folder
	}
	return sub
}

//go:embed knowledge.schema.json
var schema []byte

// Schema returns the JSON Schema of a knowledge file, which editors such
// as VS Code (with its YAML extension) use to check and complete entries
// while staff type; a file names it on its first line:
//
//	# yaml-language-server: $schema=../knowledge.schema.json
func Schema() []byte { return append([]byte(nil), schema...) }
