module mutschema

go 1.24
