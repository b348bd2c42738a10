"""The hostile-input suite (issue 6): damaged, broken and odd files, bad parameters, full
disks, spreadsheet formulas. Everything is generated here from good files; no Qt."""
