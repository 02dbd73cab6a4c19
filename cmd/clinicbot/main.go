// Command clinicbot answers patients' questions from a clinic's knowledge,
// on Telegram or in a terminal; `clinicbot help` lists its commands.
//
// It only wires: flags -> configuration -> engine (answer.Build, from
// knowledge, safety and index) -> a transport (bot for Telegram, terminal
// for the chat and `ask`) or a staff tool (review, eval, unanswered,
// suggest). What each command does is in the package it calls.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"syscall"

	"github.com/clinicbot/clinicbot/answer"
	"github.com/clinicbot/clinicbot/config"
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

// commands are the commands by name; each parses its own flags.
var commands = map[string]func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error{
	"": runDefault, "serve": runServe, "chat": runChat, "ask": runAsk, "validate": runValidate,
	"eval": runEval, "tune": runTune, "unanswered": runUnanswered, "report": runReport, "health": runHealth,
	"version": runVersion, "--version": runVersion, "-version": runVersion, "schema": runSchema,
	"help": runHelp, "-h": runHelp, "-help": runHelp, "--help": runHelp,
}

// run is the whole program; it returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	name := ""
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "clinicbot: unknown command %q\n\n%s", name, usage)
		return 2
	}
	switch err := cmd(ctx, args, stdin, stdout, stderr); {
	case err == nil || errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	case errors.Is(err, errReported):
		return 1
	default:
		fmt.Fprintf(stderr, "clinicbot %s: %v\n", name, err)
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
	c.registerConfig(fs)
	fs.StringVar(&c.knowledge, "knowledge", "", "knowledge folder (default: config's knowledge, else the embedded clinic knowledge)")
	fs.StringVar(&c.settings, "settings", "", "thresholds file (default: settings.yaml in the knowledge folder, if present)")
}

func (c *common) registerConfig(fs *flag.FlagSet) {
	fs.StringVar(&c.config, "config", "", "configuration file (default: config.yaml in the current folder, if present)")
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

// parseNone is parse for a command that takes no arguments besides its flags.
func parseNone(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	rest, err := parse(fs, args, stderr)
	if err == nil && len(rest) > 0 {
		fmt.Fprintf(stderr, "clinicbot %s: unexpected argument %q\n", fs.Name(), rest[0])
		err = errUsage
	}
	return err
}

// loadConfig reads --config, or config.yaml in the current folder if it
// exists, or the defaults.
func loadConfig(path string) (config.Config, error) {
	if path == "" {
		if _, err := os.Stat("config.yaml"); err == nil {
			path = "config.yaml"
		} else if !errors.Is(err, fs.ErrNotExist) {
			return config.Config{}, fmt.Errorf("config.yaml: %w", err)
		}
	}
	return config.Load(path)
}

// setup loads the configuration and builds the engine the flags ask for.
func (c common) setup() (config.Config, answer.Source, *answer.Engine, error) {
	cfg, src, err := c.source()
	if err != nil {
		return cfg, src, nil, err
	}
	eng, err := answer.Build(src, textsFrom(cfg))
	return cfg, src, eng, err
}

// source loads the configuration and says where the knowledge comes from.
func (c common) source() (config.Config, answer.Source, error) {
	cfg, err := loadConfig(c.config)
	if err != nil {
		return cfg, answer.Source{}, err
	}
	src := answer.Source{Dir: cfg.Knowledge, Settings: cfg.Settings}
	if c.knowledge != "" {
		src.Dir = c.knowledge
	}
	if c.settings != "" {
		src.Settings = c.settings
	}
	return cfg, src, nil
}

func textsFrom(cfg config.Config) answer.Texts { return answer.Texts(cfg.Profile()) }
