module github.com/turnkeyd/turnkeyd

go 1.26.8

require github.com/beevik/etree v1.8.1 // indirect
