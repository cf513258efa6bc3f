module github.com/convscope/convscope

go 1.24

require (
	fyne.io/fyne/v2 v2.7.4 // indirect
	github.com/lucasb-eyer/go-colorful v1.4.1 // indirect
	golang.org/x/image v0.48.0 // indirect
	gonum.org/v1/gonum v0.17.0 // indirect
)
