package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/config"
	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/i18n"
	"github.com/bubblehost/bubblehost/host/signature"
)

// secretFlags are the flags that give sign and send their secret.
type secretFlags struct {
	fs         *pflag.FlagSet
	secret     *string
	secretFile *string
}

func (c *cli) addSecretFlags(fs *pflag.FlagSet, secretUsage i18n.ID) secretFlags {
	return secretFlags{
		fs:         fs,
		secret:     fs.String("secret", "", c.p.Sprintf(secretUsage)),
		secretFile: fs.String("secret-file", "", c.p.Sprintf(i18n.FlagSecretFile)),
	}
}

// given reports whether --secret or --secret-file was given.
func (f secretFlags) given() bool {
	return f.fs.Changed("secret") || f.fs.Changed("secret-file")
}

// resolveSecret returns the secret from --secret, else --secret-file, else
// BUBBLEHOST_SECRET, else fallback. An empty result is an error.
func (c *cli) resolveSecret(flags secretFlags, fallback string) (string, error) {
	if flags.fs.Changed("secret") && flags.fs.Changed("secret-file") {
		return "", newUserError(i18n.SecretConflict)
	}

	secret := fallback
	switch {
	case flags.fs.Changed("secret"):
		secret = *flags.secret
	case flags.fs.Changed("secret-file"):
		data, err := os.ReadFile(*flags.secretFile)
		if err != nil {
			return "", newUserError(i18n.SecretReadFile, err)
		}
		secrets := config.ParseSecrets(data)
		if len(secrets) == 0 {
			return "", newUserError(i18n.SecretFileEmpty, *flags.secretFile)
		}
		secret = secrets[0]
	case c.env.Getenv(config.EnvSecret) != "":
		secret = c.env.Getenv(config.EnvSecret)
	}

	if secret == "" {
		return "", newUserError(i18n.SecretMissing)
	}
	return secret, nil
}

func (c *cli) signFlags() (*pflag.FlagSet, secretFlags) {
	fs := c.newFlagSet("sign")
	return fs, c.addSecretFlags(fs, i18n.FlagSecret)
}

// sign prints the X-Bubble-Signature value of a file or of standard input.
func (c *cli) sign(_ context.Context, args []string) int {
	flags, secretFlags := c.signFlags()
	if done, code := c.parse(flags, "sign", args); done {
		return code
	}
	if flags.NArg() > 1 {
		c.errorf(i18n.ErrTooManyArgs, "sign", strings.Join(flags.Args()[1:], " "), "sign")
		return ExitUsage
	}

	secret, err := c.resolveSecret(secretFlags, "")
	if err != nil {
		c.fail(err)
		return ExitUsage
	}
	body, err := c.readInput(flags.Arg(0))
	if err != nil {
		c.fail(err)
		return ExitFailure
	}

	fmt.Fprintln(c.env.Stdout, signature.Sign([]byte(secret), body))
	return ExitOK
}

// readInput returns the bytes of the file at path, or of standard input
// when path is "" or "-".
func (c *cli) readInput(path string) ([]byte, error) {
	if path == "" || path == "-" {
		data, err := io.ReadAll(c.env.Stdin)
		if err != nil {
			return nil, newUserError(i18n.ErrReadInput, "stdin", err)
		}
		return data, nil
	}

	data, err := os.ReadFile(path)
	if err != nil {
		return nil, newUserError(i18n.ErrReadInput, path, withoutPath(err))
	}
	return data, nil
}

// withoutPath returns the cause of a *fs.PathError, such as "no such file
// or directory", for a message that already names the path.
func withoutPath(err error) error {
	if pathErr, ok := errors.AsType[*fs.PathError](err); ok {
		return pathErr.Err
	}
	return err
}
