package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/clinicbot/clinicbot/service"
	"github.com/clinicbot/clinicbot/terminal"
)

func runDefault(ctx context.Context, _ []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if os.Getenv("TELEGRAM_BOT_TOKEN") != "" {
		return runServe(ctx, nil, stdin, stdout, stderr)
	}
	var c common
	_, src, eng, err := c.setup()
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "TELEGRAM_BOT_TOKEN is not set, so this is the terminal chat.")
	fmt.Fprintln(stdout, "To serve Telegram: get a token from @BotFather, then run: TELEGRAM_BOT_TOKEN=... clinicbot serve")
	fmt.Fprintln(stdout)
	return terminal.Chat(ctx, eng, src.String(), stdin, stdout)
}

func runServe(ctx context.Context, args []string, _ io.Reader, _, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var c common
	c.register(fs)
	if _, err := parse(fs, args, stderr); err != nil {
		return err
	}
	cfg, src, err := c.source()
	if err != nil {
		return err
	}
	return service.Run(ctx, cfg, src, stderr)
}
