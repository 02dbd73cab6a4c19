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
