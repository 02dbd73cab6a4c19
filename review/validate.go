package review

import (
	"context"
	"fmt"
	"io"

	"github.com/clinicbot/clinicbot/answer"
)

// Print prints, as `clinicbot validate` shows it, what the knowledge eng
// answers from holds (src names it) and every warning worth a look, the
// loader's and Check's, in file and line order, files named as the
// loader names them.
func Print(ctx context.Context, w io.Writer, eng *answer.Engine, src answer.Source, o Options) {
	b := eng.Base()
	warnings := Check(ctx, eng, o)
	if src.Dir != "" {
		warnings.InDir(src.Dir) // as the loader names files
	}
	warnings = append(warnings, b.Warnings...)
	warnings.Sort()
	fmt.Fprintf(w, "ok: %s: %d entries in %d files, %d synonym groups, %d topics\n",
		src, len(b.Entries), len(b.Files), len(b.Synonyms), len(b.Topics()))
	for _, e := range warnings {
		fmt.Fprintf(w, "warning: %s\n", e)
	}
	if len(warnings) > 0 {
		fmt.Fprintf(w, "%d warning(s): the knowledge loads as it is; these are worth a look.\n", len(warnings))
	}
}
