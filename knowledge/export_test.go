package knowledge

// ScanMistake exports scanMistake to the tests.
var ScanMistake = scanMistake
