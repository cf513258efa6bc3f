package cli

import "errors"

var errTODO = errors.New("not implemented yet")

func runDataset(e *env, args []string) error { return errTODO }
