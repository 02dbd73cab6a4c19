package index

// SyntheticBase is the generated knowledge of the index benchmarks, for
// the comparison benchmarks of package index_test.
var SyntheticBase = syntheticBase
