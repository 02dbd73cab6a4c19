// Command clinicbot answers patients' questions from a clinic's knowledge,
// on Telegram or in a terminal.
//
//	clinicbot                 serve Telegram if TELEGRAM_BOT_TOKEN is set, else chat in the terminal
//	clinicbot serve           serve Telegram (long polling or webhook)
//	clinicbot chat            chat in the terminal (the Telegram commands, numbers for buttons)
//	clinicbot ask [QUESTION]  answer one question, or one per line of stdin
//	clinicbot validate [DIR]  check a knowledge folder
//	clinicbot eval            measure answers against labelled questions
//	clinicbot tune            choose a knowledge folder's thresholds from labelled questions
//	clinicbot unanswered      list, for staff, the questions the bot could not answer
//	clinicbot version         print the build's version and revision
//	clinicbot health          check a running serve's /healthz (for container health checks)
//	clinicbot report          the unanswered questions grouped, with the YAML to paste
//	clinicbot schema          print the JSON Schema of knowledge files, for editors
//
// main only wires the pieces together: configuration, knowledge, index,
// answering, and a transport (package bot for Telegram, package terminal
// for the terminal chat and the `ask` replies).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/clinicbot/clinicbot/knowledge"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `clinicbot answers patients' questions from a clinic's knowledge.

Usage:
  clinicbot                      serve Telegram if TELEGRAM_BOT_TOKEN is set, otherwise chat here
  clinicbot serve                serve Telegram (long polling or webhook, see config.yaml)
  clinicbot chat                 chat in the terminal
  clinicbot ask [--json] [--conversation] [QUESTION]
                                 answer QUESTION, or each line of standard input
                                 (each on its own; with --conversation, as one conversation)
  clinicbot validate [DIR]       check a knowledge folder (default: the embedded clinic knowledge)
  clinicbot eval --queries FILE  measure answers against labelled questions (JSONL)
  clinicbot tune --queries FILE [--out FILE]
                                 choose the thresholds from labelled questions
  clinicbot unanswered [--days N] [--log FILE]
                                 list the questions the bot could not answer, most asked first
  clinicbot version              print the build's version, revision and commit time (also --version)
  clinicbot health [--url URL]   exit 0 if a running serve's admin /healthz answers 200
  clinicbot report [--days N] [--log FILE]
                                 the unanswered questions grouped by what they ask, most asked
                                 first, each with the closest entry and the YAML to paste
  clinicbot schema               print the JSON Schema of knowledge files (for an editor's YAML checks)

Common flags: --config FILE (default config.yaml, if present), --knowledge DIR, --settings FILE.
Run 'clinicbot COMMAND -h' for a command's flags.
`

// run is the whole program; it returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := ""
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "":
		err = runDefault(ctx, stdin, stdout, stderr)
	case "serve":
		err = runServe(ctx, args, stderr)
	case "chat":
		err = runChat(ctx, args, stdin, stdout, stderr)
	case "ask":
		err = runAsk(ctx, args, stdin, stdout, stderr)
	case "validate":
		err = runValidate(ctx, args, stdout, stderr, time.Now())
	case "eval":
		err = runEval(ctx, args, stdout, stderr)
	case "tune":
		err = runTune(ctx, args, stdout, stderr)
	case "unanswered":
		err = runUnanswered(ctx, args, stdout, stderr, time.Now())
	case "version", "--version", "-version":
		err = runVersion(stdout)
	case "health":
		err = runHealth(ctx, args, stdout, stderr)
	case "report":
		err = runReport(ctx, args, stdout, stderr, time.Now())
	case "schema":
		_, err = stdout.Write(knowledge.Schema())
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "clinicbot: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	case errors.Is(err, errReported):
		return 1
	default:
		fmt.Fprintf(stderr, "clinicbot %s: %v\n", cmd, err)
		return 1
	}
}

var (
	// errUsage: bad flags; the flag package has printed why.
	errUsage = errors.New("usage")
	// errReported: the command has printed its own error output.
	errReported = errors.New("reported")
)

// common are the flags most commands share.
type common struct {
	config, knowledge, settings string
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.config, "config", "", "configuration file (default: config.yaml in the current folder, if present)")
	fs.StringVar(&c.knowledge, "knowledge", "", "knowledge folder (default: config's knowledge, else the embedded clinic knowledge)")
	fs.StringVar(&c.settings, "settings", "", "thresholds file (default: settings.yaml in the knowledge folder, if present)")
}

// parse parses flags wherever they stand among the arguments and returns
// the other arguments.
func parse(fs *flag.FlagSet, args []string, stderr io.Writer) ([]string, error) {
	// Errors are one clear line; the flag list only on -h.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(stderr)
				fmt.Fprintf(stderr, "Usage of clinicbot %s:\n", fs.Name())
				fs.PrintDefaults()
				return nil, err
			}
			fmt.Fprintf(stderr, "clinicbot %s: %v (see clinicbot %s -h)\n", fs.Name(), err, fs.Name())
			return nil, errUsage
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		if args[0] == "--" {
			return append(rest, args[1:]...), nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}
