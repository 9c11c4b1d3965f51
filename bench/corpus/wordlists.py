"""Small built-in word lists for fake clinics, providers, tests, drugs and diagnoses (no faker)."""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in text.split("|") if w.strip())


def _rows(text: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(c.strip() for c in ln.split("|")) for ln in text.strip().splitlines())


CLINIC_PLACES = _words(
    "Bayview|Harborside|Northfield|Riverbend|Cedar Hill|Granite State|Pioneer Valley|Merrimack|"
    "Blue Hills|Cape Ann|Charles River|Berkshire|Elmwood|Fairhaven|Greylock"
)
CLINIC_KINDS = _words(
    "Medical Associates|Family Medicine|Internal Medicine Group|Community Health Center|Cardiology|"
    "Orthopedics & Sports Medicine|Women's Health|Pediatrics|Gastroenterology|Pulmonary Associates|"
    "Neurology Center|Dermatology|Urgent Care"
)
LABS = _words("Clinical Laboratories|Diagnostic Laboratory|Pathology Associates|Reference Lab")
HOSPITALS = _words("Regional Medical Center|General Hospital|Memorial Hospital|Community Hospital")
IMAGING = _words("Imaging Center|Radiology Associates|Diagnostic Imaging")
INSURERS = _words(
    "Commonwealth Health Plan|Bay State Benefit Mutual|Northeast Care Alliance|Granite Shield Health|"
    "Liberty Harbor Insurance|Pilgrim Assurance Health|Minuteman Medical Plans"
)
MAIL_ORDER = _words("Mail Order Pharmacy|Home Delivery Pharmacy|Specialty Pharmacy|Rx Home Delivery")
PHARMACIES = _words("Main Street Pharmacy|HealthMart Drug|Corner Apothecary|Village Pharmacy|Quick Rx")
LAW_FIRMS = _words("Doyle & Pratt LLP|Hanlon Legal Group|Marsh, Whitcomb & Lee|Benson Injury Law")
NURSING_FACILITIES = _words("Rehabilitation & Nursing Center|Senior Living & Rehab|Skilled Nursing Facility")
BEHAVIORAL = _words("Behavioral Health|Counseling Center|Family Services|Mental Health Associates")
URGENT_CARE = _words("Urgent Care|Walk-In Clinic|Express Care|Immediate Care")
HOME_HEALTH = _words("Home Health Agency|Visiting Nurse Association|Home Care Services|Home Health & Hospice")
THERAPY = _words("Physical Therapy|Rehab & Sports Therapy|Physical & Occupational Therapy")
CLAIM_AGENCIES = _words(
    "Disability Determination Services|Workers' Compensation Claims|Liberty Harbor Casualty Claims|"
    "Social Security Disability Unit"
)
STREETS = _words(
    "Main St|Harbor Rd|Washington St|Elm Ave|Commonwealth Ave|Prospect St|Union Sq|Pleasant St|"
    "Highland Ave|Maple Dr|Broadway|Water St|Summer St|School St"
)
TOWNS = _rows(
    """
    Quincy|02169
    Worcester|01608
    Lowell|01852
    Springfield|01103
    Framingham|01702
    Salem|01970
    Brockton|02301
    Pittsfield|01201
    Newton|02458
    Plymouth|02360
    """
)
PROVIDER_FIRST = _words(
    "Alan|Beatrice|Carlos|Deepa|Eleanor|Farid|Grace|Hiroshi|Irene|Jonah|Katherine|Luis|Miriam|Nathan|"
    "Olivia|Priya|Raymond|Sofia|Thomas|Wei"
)
PROVIDER_LAST = _words(
    "Abernathy|Bergstrom|Castellano|Desai|Eastwood|Fitzgerald|Goldberg|Hoffman|Iyer|Jablonski|Kowalczyk|"
    "Lindqvist|Morales|Nakamura|Okafor|Petrov|Quinlan|Rosenthal|Sandoval|Thornton|Underwood|Vasquez|"
    "Whitfield|Yamamoto|Zimmerman"
)
CREDENTIALS = _words("MD|MD|MD|DO|NP|PA-C|MD, PhD|FNP-BC")
STAFF_FIRST = _words("Donna|Kevin|Tanya|Brian|Leslie|Marcus|Heather|Jamal|Renee")
RELATIVE_FIRST_M = _words("Robert|Daniel|Steven|Mark|Paul|George|Kenneth|Edward")
RELATIVE_FIRST_F = _words("Karen|Nancy|Lisa|Sandra|Donna|Carol|Michelle|Laura")

# name | units | low | high | decimals
LAB_TESTS = _rows(
    """
    Glucose|mg/dL|70|99|0
    BUN|mg/dL|7|20|0
    Creatinine|mg/dL|0.6|1.3|2
    Sodium|mmol/L|136|145|0
    Potassium|mmol/L|3.5|5.1|1
    Chloride|mmol/L|98|107|0
    CO2|mmol/L|22|29|0
    Calcium|mg/dL|8.6|10.3|1
    Albumin|g/dL|3.5|5.0|1
    ALT|U/L|7|56|0
    AST|U/L|10|40|0
    Alk Phos|U/L|44|147|0
    Bilirubin, Total|mg/dL|0.1|1.2|1
    WBC|K/uL|4.0|11.0|1
    Hemoglobin|g/dL|12.0|17.5|1
    Hematocrit|%|36|50|1
    Platelets|K/uL|150|400|0
    TSH|uIU/mL|0.4|4.5|2
    Hemoglobin A1c|%|4.0|5.6|1
    Cholesterol, Total|mg/dL|100|199|0
    LDL Cholesterol|mg/dL|0|99|0
    HDL Cholesterol|mg/dL|40|90|0
    Triglycerides|mg/dL|0|149|0
    Vitamin D, 25-OH|ng/mL|30|100|0
    Ferritin|ng/mL|24|336|0
    """
)
PANELS = _words("Comprehensive Metabolic Panel|CBC with Differential|Lipid Panel|Thyroid Panel")
# drug | sig
MEDICATIONS = _rows(
    """
    Lisinopril 10 mg tablet|Take 1 tablet by mouth daily
    Metformin 500 mg tablet|Take 1 tablet by mouth twice daily with meals
    Atorvastatin 40 mg tablet|Take 1 tablet by mouth at bedtime
    Levothyroxine 75 mcg tablet|Take 1 tablet by mouth every morning
    Amlodipine 5 mg tablet|Take 1 tablet by mouth daily
    Sertraline 50 mg tablet|Take 1 tablet by mouth daily
    Omeprazole 20 mg capsule|Take 1 capsule by mouth before breakfast
    Albuterol HFA 90 mcg inhaler|Inhale 2 puffs every 4-6 hours as needed
    Gabapentin 300 mg capsule|Take 1 capsule by mouth three times daily
    Apixaban 5 mg tablet|Take 1 tablet by mouth twice daily
    """
)
# ICD-10 | description
DIAGNOSES = _rows(
    """
    I10|Essential hypertension
    E11.9|Type 2 diabetes mellitus without complications
    E78.5|Hyperlipidemia, unspecified
    J45.909|Unspecified asthma, uncomplicated
    M54.50|Low back pain, unspecified
    K21.9|Gastro-esophageal reflux disease
    I48.91|Unspecified atrial fibrillation
    R07.9|Chest pain, unspecified
    E03.9|Hypothyroidism, unspecified
    M17.11|Primary osteoarthritis, right knee
    J18.9|Pneumonia, unspecified organism
    N39.0|Urinary tract infection, site not specified
    """
)
# exam | CPT
IMAGING_EXAMS = _rows(
    """
    CT CHEST WITHOUT CONTRAST|71250
    MRI LUMBAR SPINE WITHOUT CONTRAST|72148
    XR CHEST 2 VIEWS|71046
    US ABDOMEN COMPLETE|76700
    MAMMOGRAM SCREENING BILATERAL|77067
    XR KNEE 3 VIEWS RIGHT|73562
    CT HEAD WITHOUT CONTRAST|70450
    """
)
FINDINGS = _words(
    "No acute cardiopulmonary process is identified.|"
    "The lungs are clear without focal consolidation, effusion or pneumothorax.|"
    "Mild degenerative changes are present without acute fracture or malalignment.|"
    "There is no evidence of mass, hemorrhage or acute infarct.|"
    "The liver, gallbladder, pancreas and spleen are unremarkable in appearance.|"
    "Heart size is within normal limits. The mediastinal contours are normal.|"
    "Small nonspecific nodule measuring 4 mm; follow-up per Fleischner guidelines is suggested.|"
    "Comparison is made with the prior examination; findings are stable."
)
NARRATIVE = _words(
    "The patient reports improvement in symptoms since the last visit.|"
    "Denies fever, chills, chest pain or shortness of breath.|"
    "Medications were reviewed and reconciled with the patient at this visit.|"
    "Vital signs were stable throughout the encounter.|"
    "We discussed the risks, benefits and alternatives of the proposed treatment.|"
    "The patient verbalized understanding and agrees with the plan.|"
    "Follow up in the clinic in four to six weeks, sooner if symptoms worsen.|"
    "Laboratory studies were reviewed and are notable as described above.|"
    "Physical therapy was consulted and recommended home exercises.|"
    "Blood pressure remains above goal; the dose will be adjusted.|"
    "Return precautions were reviewed in detail.|"
    "Please do not hesitate to contact our office with any questions."
)
FIRST_NAMES_M = _words("John|Michael|James|Robert|David|William|Joseph|Daniel|Anthony|Kevin|Brian|Jose")
FIRST_NAMES_F = _words("Mary|Maria|Linda|Patricia|Jennifer|Susan|Karen|Lisa|Nancy|Emily|Sarah|Ashley")
COMMON_NAMES = _rows(
    """
    John|Smith|M
    Maria|Garcia|F
    Michael|Johnson|M
    Mary|Williams|F
    James|Brown|M
    Linda|Jones|F
    Robert|Miller|M
    Jennifer|Davis|F
    Jose|Rodriguez|M
    Patricia|Martinez|F
    David|Nguyen|M
    Susan|Lee|F
    """
)
CONFIDENTIAL = (
    "CONFIDENTIALITY NOTICE: This facsimile contains protected health information. If you received it "
    "in error, notify the sender immediately and destroy all copies."
)
