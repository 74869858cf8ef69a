package suite

func isolationSpecs() []Spec {
	return []Spec{}
}
