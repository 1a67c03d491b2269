package tekst

// RunStatusNL is how a person reads the status of a run (etl_run.status): the machine
// value stays in the data and the JSON, this label is what a page or a file shows. An
// unknown status is shown as it is.
func RunStatusNL(status string) string {
	switch status {
	case "running":
		return "bezig"
	case "ok":
		return "gelukt"
	case "rejected":
		return "gelukt, met afgekeurde bestanden"
	case "failed":
		return "mislukt"
	case "skipped":
		return "overgeslagen"
	}
	return status
}

// FileStatusNL is how a person reads the status of a file in a run (etl_file.status,
// and the loader's waiting): an unknown status is shown as it is.
func FileStatusNL(status string) string {
	switch status {
	case "loaded":
		return "geladen"
	case "skipped":
		return "overgeslagen"
	case "rejected":
		return "afgekeurd"
	case "unrecognised":
		return "niet herkend"
	case "waiting":
		return "wacht op de volgende run"
	}
	return status
}
