// Package sqlfiles embeds the warehouse's SQL: migrations, staging, marts, metrics and
// reports. The files are the documentation of what every figure means.
package sqlfiles

import "embed"

// FS holds every SQL file of the project, by its path below sql/.
//
//go:embed migrations/*.sql marts/*.sql reports/*.sql metrics/*.sql
var FS embed.FS
