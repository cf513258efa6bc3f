package cli

import "errors"

var errTODO = errors.New("not implemented yet")

func runTrain(e *env, args []string) error   { return errTODO }
func runDataset(e *env, args []string) error { return errTODO }
