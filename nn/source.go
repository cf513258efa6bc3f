package nn

// BatchSource yields batches endlessly, like a Keras generator: Fit asks it
// for steps_per_epoch batches per epoch and never expects it to run dry.
//
// Next fills x, shape (n, input...), with the next n samples and y, shape
// (n, k), with their targets: for binary labels k = 1 and y is 0 or 1; for
// one-hot (categorical) labels k is the number of classes; for sparse labels
// k = 1 and y holds the class index as a float. It returns an error only for
// failures the caller cannot work around (a folder that vanished, say); bad
// individual files are the source's business to skip and report.
type BatchSource interface {
	Next(x, y *Tensor) error
}
