"""The labels documents print before a patient's name, birth date and record number, and distractors."""

from __future__ import annotations

import re

# A name label must start a line or a column (two or more spaces before it): "Provider Name:" never matches.
_EXCEPT = (
    r"(?!\s*(?:id|#|no\b|number|account|acct|phone|address|signature|instructions|education|portal|care))"
)
# A hint of how to write a name, "(Last, First, MI)", not an aside saying whose it is ("(spouse)")
NAME_FORMAT = r"\((?=[^()\n]{0,40}\b(?:last|first)\b)[^()\n]{0,40}\)"
NAME_LABEL = re.compile(
    # "- Patient Name:", "2. Patient Name", "8 PATIENT NAME" (a form's item number)
    r"(?:^[ \t\-–—_.,'‘’`|•*]*|(?<=\s\s)|(?<=\t))(?:\d{1,2}[a-z]?(?:[.)]\s*|\s+))?(?:"
    # "Patient Name", "Pt Name" (OCR: "PL Name"), "PATIENT'S NAME (Last, First, MI)": a colon, a column
    # gap or the end of the line may follow
    r"(?P<long>(?:patient|pat\.?|p[tl1]\.?)(?:['’]s)?\s*(?:full\s+)?(?:name|nm\.?))\b(?:\s*\([^)\n]{0,60}\))?"
    r"(?:\s*[:;#.\-]+[ \t]*|[ \t]{2,}|[ \t]*(?=\n|$))"
    # "Patient:", "Name:", "RE:" (OCR: "RF:"): only with a colon, or alone on the line as a heading
    # "Name (Last, First):" as "Name:", a hint of how to write the name before the colon
    r"|(?P<short>patient" + _EXCEPT + r"|name|r[ef]|regarding)\b(?:[ \t]*" + NAME_FORMAT + r")?"
    r"(?:[ \t]*[:;#]+[ \t]*|[ \t]*(?=\n|$))"
    r")(?P<value>[^\n]*)",
    re.IGNORECASE | re.MULTILINE,
)
# "<role> Name", "CLIENT NAME:", "Resident Full Name": whose name the role word says (roles.role_in decides);
# the role word must start a line or a column, like a name label.
ROLE_NAME_LABEL = re.compile(
    r"(?:^[ \t\-–—_.,'‘’`|•*]*|(?<=\s\s)|(?<=\t))(?:\d{1,2}[a-z]?(?:[.)]\s*|\s+))?"
    r"(?P<role>[A-Za-z'’]+(?: [A-Za-z'’]+)?) (?:full )?name\b(?:\s*\([^)\n]{0,60}\))?"
    r"(?:\s*[:;#.\-]+[ \t]*|[ \t]{2,}|[ \t]*(?=\n|$))(?P<value>[^\n]*)",
    re.IGNORECASE | re.MULTILINE,
)
# "DOB" as printed and as OCR misreads it: D0B, DOR, DO8, 0OB, 00B (a leading D read as a zero or an O),
# and dotted "0.0.8.", "D.0.5." or "D.0,B."; never followed by a digit ("D.0.8.5" is a number), never "DOS".
_DOB = r"(?:D[.,]?\s?[O0][.,]?\s?[B8R]|[0O]\.?\s?[O0]\.?\s?B|[D0O][.,]\s?[O0][.,]\s?[B85])(?![.,]?[0-9])"
# OCR: "Dale of Birth", "BIRTH DAE"; abbreviated "Birth Dt", and "Birth:" alone as a field's label
_DATE_OF_BIRTH = r"da[tl]e\s+of\s+b[il1]rth|b[il1]rth\s*(?:da[tl]?e|dt\b\.?)|b[il1]rth(?=\s*[:#])"
DOB_LABEL = re.compile(  # not after a letter or digit, though after a stray mark ("_D.O.B.")
    r"(?P<label>(?<![A-Za-z0-9])" + _DOB + r"\b\.?|\b(?:" + _DATE_OF_BIRTH + r")\b|\bborn\b)"
    r"(?:[ \t]*\([^)\n]{0,16}\))?"  # a format hint: "DOB (MM/DD/YYYY)"
    r"[ \t]*[:;.#\-]*[ \t]*",  # the value follows on the label's line
    re.IGNORECASE,
)
MRN_LABEL = re.compile(
    r"(?P<label>\bMRN\b|\bM\.R\.N\.?|\bMR\s?#|\bmed(?:ical)?\.?\s*rec(?:ord)?s?\.?\s*(?:#|no\b\.?|number\b)|"
    r"\bchart\s*(?:#|no\b\.?|number\b)|\bpatient\s*id\b|\bpt\.?\s*id\b)"
    r"\s*[:;.#\-]*\s*(?P<value>[A-Z0-9][A-Z0-9\-]{2,19})",
    re.IGNORECASE,
)
# An MRN's label without its value (a caption over the number, or the cell to its left).
MRN_WORD = re.compile(
    r"\bMRN\b|\bM\.?R\.?N\b|\bMR\s?#|med(?:ical)?\.?\s*rec|chart\s*(?:#|no\b|num)|patient\s*(?:id\b|#|no\b|num)|"
    r"\bpt\.?\s*id\b|record\s*(?:#|no\b|num)|\bunit\s*(?:#|no\b)",
    re.IGNORECASE,
)
# Words before a label on the same line that make it someone else's field ("Member" is the patient's
# unless the document also has a field for the patient: roles.MEMBER).
DISTRACTOR_CONTEXT = re.compile(
    r"guarantor|subscriber|insured|policy\s*holder|parent|guardian|mother|father|spouse|emergency|contact|"
    r"physician|provider|doctor|referring|ordering|attending|prescriber|pharmacist|employer|"
    r"responsible\s+party|account|acct|claim|npi|order|accession",
    re.IGNORECASE,
)
# Marks OCR and form rules leave around a field's value (stripped from its ends).
STRAY_MARKS = " '\"‘’“”`_.,;:|-"
# Where a name value stops: the next label in the same line, a bracket, or a column gap.
VALUE_END = re.compile(
    r"\s{2,}|\t|\(|(?<![A-Za-z])(?:" + _DOB + r"|" + _DATE_OF_BIRTH + r"|MRN|MR\s?#|med\s*rec|"
    r"chart\s*#|sex|gender|age|phone|acct|account|ssn|patient\s*id|dos|date|request|service|visit|report|"
    r"admission|admit|discharge|collection|referral|exam|pharmacy|member|group|insurance|policy)\b"
    r"|\s(?=[A-Za-z][A-Za-z0-9#.]*\s?:)"  # the next one-word "Label:" on the same line (OCR: "O00B:")
    r"|\s(?:v|vs|versus)\.?\s|\sy\.\s",  # a case caption: "Jane Roe v. Acme Insurance" (OCR: "y.")
    re.IGNORECASE,
)
NOT_NAME_WORDS = frozenset(
    "PATIENT RECORDS RECORD RESULTS RESULT ATTACHED SEE REQUESTED INFORMATION REPORT REQUEST FOR THE OF AND "
    "TO FROM MEDICAL HEALTH LAB LABORATORY FAX PAGE PAGES DATE NAME INFORMATION PLEASE REVIEW YOUR YOU "
    "CLAIM REFILL AUTHORIZATION PRIOR CONSULTATION REFERRAL DISCHARGE SUMMARY NOTE STATUS NOTICE BENEFITS "
    "ORDER PLAN CARE HOME EQUIPMENT IMAGING RADIOLOGY ID MRN DOB SEX MALE FEMALE UNKNOWN NONE N/A "
    "DR MD NP RN PHD FNP DDS PHARMD LCSW MSW INC LLC CLINIC HOSPITAL CENTER".split()
)
PROVIDER_MARK = re.compile(r"\b(?:dr\.?|md|np|pa-c|fnp|phd|pharmd|dds)\b\.?", re.IGNORECASE)
# A fax cover sheet's title or page count; not the fax machine's header line ("FAX ... PAGE 01/02").
COVER_SHEET = re.compile(
    r"\b(?:fax|facsimile)[ \t]+(?:cover|transmi(?:ssion|ttal))\b|\bcover[ \t]+(?:sheet|page|letter)\b"
    r"|^[^A-Za-z0-9\n]*(?:fax|facsimile)[^A-Za-z0-9\n]*$|\bincluding[ \t]+(?:this[ \t]+)?cover\b",
    re.IGNORECASE | re.MULTILINE,
)
