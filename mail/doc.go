// Package mail e-mails each department its own per-department result
// workbook (the files `perfeval run --split` writes): it reads the
// contacts list and reports its problems at their cells, finds the
// per-department workbooks by their marks, builds one message per
// department from templates, writes them for review into an outbox,
// sends them over SMTP with a rate limit and retries, and keeps an
// append-only send log so that no department is ever sent the same
// result twice.
//
// It does not score workbooks, read score tables or write results (see
// sheet and calc), and it never reads a password from anywhere but what
// its caller hands it; nothing it writes holds one.
package mail
