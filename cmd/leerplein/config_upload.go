package main

import (
	"fmt"

	"github.com/hetleerplein/leerplein/api"
	"github.com/hetleerplein/leerplein/warehouse"
)

// uploadConfig is the optional upload: section: limits of the steward's upload (POST
// /api/v1/jobs/{name}/files).
type uploadConfig struct {
	MaxFileSize string `yaml:"max_file_size"` // default 1GiB
	MaxFiles    int    `yaml:"max_files"`     // default 20
}

// parseUploadConfig checks the upload: section into c.
func parseUploadConfig(uc uploadConfig, c *config) error {
	c.uploadMaxBytes = api.DefaultUploadMaxBytes
	if uc.MaxFileSize != "" {
		n, err := warehouse.ParseSize(uc.MaxFileSize)
		if err != nil || n < 1 {
			return fmt.Errorf("upload: max_file_size: %q: use a size such as 1GiB or 500MB", uc.MaxFileSize)
		}
		c.uploadMaxBytes = n
	}
	if uc.MaxFiles < 0 {
		return fmt.Errorf("upload: max_files must be at least 1 (default %d)", api.DefaultUploadMaxFiles)
	}
	c.uploadMaxFiles = api.DefaultUploadMaxFiles
	if uc.MaxFiles > 0 {
		c.uploadMaxFiles = uc.MaxFiles
	}
	return nil
}
