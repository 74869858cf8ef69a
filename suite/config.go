package suite

func configSpecs() []Spec {
	return []Spec{}
}
