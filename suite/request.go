package suite

func requestSpecs() []Spec {
	return []Spec{}
}
