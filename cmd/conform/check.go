package main

import (
	"context"
	"io"
)

func cmdAdapterCheck(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	return exitUsage, usagef("adapter check is not available yet")
}
