// Package clinicbot holds the domain's own types, the words every other
// package of the bot shares: where a problem is in a file clinic staff
// edit and what it is (Pos, Error, ErrorList), and the names of the files
// in a knowledge folder that are not knowledge entries. It imports
// nothing of the bot's, so every package may import it.
package clinicbot
