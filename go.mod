module github.com/turnkeyd/turnkeyd

go 1.26.8
