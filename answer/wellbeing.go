package answer

// When the bot cannot answer, it reminds a patient where to go if they
// are unwell: a red flag in words no rule knows must not end in "I don't
// know" alone. But "If you feel seriously unwell, call 999" after "how much
// do you charge?" is alarming and odd. So the reminder goes on a fallback
// or a "did you mean" only when the message speaks of the body or of
// feeling unwell, in the everyday words patients use: parts of the body,
// pain and other symptoms, feeling ill, medicines, an emergency.

// bodyWords are those words, for patients in general (not a test set).
var bodyWords = wordSet(`
	body back backs neck spine spinal leg legs arm arms hip hips knee knees shoulder shoulders
	head chest stomach tummy belly abdomen bladder bowel bowels foot feet toe toes hand hands
	finger fingers wrist wrists ankle ankles elbow elbows muscle muscles buttock buttocks groin
	skin eye eyes heart lung lungs throat jaw face pelvis rib ribs vertebra vertebrae thigh thighs
	calf calves genitals bum
	pain pains painful hurt hurts hurting ache aches aching achy sore soreness numb numbness
	tingling tingle tingly weak weakness swelling swollen swelled lump fever feverish
	temperature bleeding bleed bleeds blood dizzy dizziness faint fainted fainting sick unwell
	ill illness nausea nauseous vomit vomiting vomited breath breathe breathing breathless
	injury injured injure fell fallen symptom symptoms rash infection infected wound headache
	migraine sciatica cramp cramps stiff stiffness spasm spasms burning throbbing shooting
	stabbing agony collapse collapsed unconscious seizure incontinence incontinent paralysed
	paralyzed walk walking feel feeling felt tired exhausted poorly
	painkiller painkillers medication medicine medicines tablets pills overdose
	emergency urgent ambulance hospital suicidal depressed anxious panic
`)

// speaksOfBody reports whether q mentions the body or feeling unwell.
func speaksOfBody(q string) bool {
	for _, w := range plainWords(q) {
		if bodyWords[w] {
			return true
		}
	}
	return false
}
