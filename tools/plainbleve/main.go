// Command plainbleve is the yardstick for clinicbot's start-up: it loads a
// knowledge folder (or the embedded clinic knowledge), builds the plain
// Bleve index of package baseline and prints the best entry for one
// question, the way `clinicbot ask QUESTION` answers one. Timed side by
// side with it (README, "Speed"), it shows what start-up costs beyond
// loading the same YAML into Bleve.
//
//	go run ./tools/plainbleve [--knowledge DIR] QUESTION
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/clinicbot/clinicbot/baseline"
	"github.com/clinicbot/clinicbot/knowledge"
)

func main() {
	dir := flag.String("knowledge", "", "knowledge folder (default: the embedded clinic knowledge)")
	flag.Parse()
	if err := run(*dir, strings.Join(flag.Args(), " ")); err != nil {
		fmt.Fprintln(os.Stderr, "plainbleve:", err)
		os.Exit(1)
	}
}

func run(dir, question string) error {
	var base *knowledge.Base
	var err error
	if dir == "" {
		base, err = knowledge.Load(knowledge.Clinic())
	} else {
		base, err = knowledge.LoadDir(dir)
	}
	if err != nil {
		return err
	}
	ix, err := baseline.Build(base)
	if err != nil {
		return err
	}
	defer ix.Close()
	ids, err := ix.Search(context.Background(), question, 5)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		fmt.Println("(no match)")
		return nil
	}
	fmt.Println(ids[0])
	return nil
}
