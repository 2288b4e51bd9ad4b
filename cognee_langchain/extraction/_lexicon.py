"""Word lists the offline extractor uses to tell names from ordinary capitalised words.

Kept apart from the extraction logic so the heuristics stay readable and the lists easy to extend.
All entries are lower case.
"""

from __future__ import annotations

__all__ = [
    "ABBREVIATIONS",
    "AUXILIARIES",
    "CONJUNCTIONS",
    "CONNECTORS",
    "DETERMINERS",
    "FOND_WORDS",
    "GENERIC_SPEAKERS",
    "HEADER_WORDS",
    "INSTITUTION_WORDS",
    "INTERJECTIONS",
    "IRREGULAR_PARTICIPLES",
    "JOB_NOUNS",
    "JOB_PATTERN",
    "MONTHS_AND_DAYS",
    "MOVEMENT_VERBS",
    "NEGATIONS",
    "NON_NAME_WORDS",
    "ORG_SUFFIXES",
    "PERSON_NOUNS",
    "PERSON_OBJECT_VERBS",
    "PERSON_VERBS",
    "PLACE_PREPOSITIONS",
    "PREPOSITIONS",
    "PRONOUN_SUBJECTS",
    "RELATIVE_PRONOUNS",
    "ROLE_ACRONYMS",
    "ROLE_TITLES",
    "SUBJECT_VERBS",
    "TITLES",
    "TRADE_ACRONYMS",
    "VAGUE_OBJECTS",
    "VEHICLES",
    "VOCATIVE_CUES",
    "WORKPLACES",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


DETERMINERS = _words(
    "the a an this that these those some any each every all both no many most several few "
    "other another such my your his her its our their own much more less"
)
PREPOSITIONS = _words(
    "in on at by for from to with without after before during since until till about above "
    "below under over between among through into onto of off out up down near around across "
    "along behind beyond despite except inside outside per via within upon toward towards "
    "like unlike as against amid versus vs"
)
CONJUNCTIONS = _words(
    "and or but nor so yet if when while because although though unless whereas whether once "
    "where why how what which who whom whose then than plus"
)
RELATIVE_PRONOUNS = _words("who which that whom whose")
AUXILIARIES = _words(
    "is are was were be been being am do does did have has had can could will would shall "
    "should may might must 's 're 've 'd 'll"
)
NEGATIONS = _words("not never no n't cannot")
PRONOUN_SUBJECTS = _words(
    "he she they it he's she's it's they're they've he'd she'd they'd he'll she'll they'll"
)
_PRONOUNS = _words(
    "i you he she it we they me him her us them my your his its our their mine yours ours "
    "theirs myself yourself himself herself itself ourselves themselves i'm i've i'd i'll "
    "you're we're they're it's he's she's that's there's what's let's"
)
_SENTENCE_STARTERS = _words(
    "also however therefore thus hence meanwhile moreover furthermore still just even here "
    "there now today yesterday tomorrow tonight later soon already again never always often "
    "sometimes maybe perhaps yes no not ok okay please thanks thank hello hi hey sure well oh "
    "good nice cool indeed instead otherwise overall first second third next last finally "
    "recently actually basically eventually unfortunately fortunately currently previously "
    "additionally initially originally apparently usually generally really only early lately "
    "clearly obviously honestly certainly probably definitely especially likely unlikely "
    "simply briefly anyway besides altogether nevertheless nonetheless regardless similarly "
    "likewise consequently accordingly specifically notably importantly interestingly "
    "surprisingly sadly luckily hopefully ideally personally frankly absolutely exactly "
    "totally completely almost nearly quite rather very too so such every everyone everybody "
    "everything someone somebody something anyone anybody anything nobody nothing none "
    "whatever whenever wherever whoever sorry welcome congratulations dear bye goodbye wow "
    "alright right wait look listen see note summary example step chapter section figure "
    "table update warning tip important question answer result results conclusion "
    "introduction background overview source sources reference references appendix part "
    "day week month year morning afternoon evening night noted agreed understood gotcha "
    "cheers awesome perfect fine lol haha hmm btw fyi imo true correct interesting amazing "
    "excellent fantastic sounds things stuff people folks guys two three four five six seven "
    "eight nine ten meet same another other different whole entire usual typical"
)
# Greetings, fillers, exclamations and chat shorthand: a chat turn opens with them ("Yeah Maria,
# ...", "Congrats!", "Woah"), and nobody is called by them.
INTERJECTIONS = _words(
    "yeah yea yep yup yah ya yay yas nope nah nay hey heya hiya howdy hullo yo sup wow whoa woah "
    "wowza ah ahh aha aw aww awww awe oh ohh ooh ohhh oops whoops uh uhh uhm um umm er erm hm "
    "hmmm mhm mm huh heh hehe haha hahaha ha lmao rofl omg omgosh oml smh tbh idk ikr np ty thx "
    "tysm pls plz jk brb ttyl lmk gg woo woot woohoo wooho yippee hooray hurray yikes gosh geez "
    "jeez golly gee phew whew ugh meh oof duh eh bah yum yummy ouch aye ahoy bravo kudos "
    "congrats congratulation glad gotta gonna wanna kinda sorta dunno "
    "lemme gimme ain't y'all ya'll cya bye byee goodnight night aloha ciao cheerio xoxo "
    "absolutely totally definitely exactly seriously literally honestly truly anytime"
)
# Words that head a line of a transcript rather than open a sentence: "Session 3 (...)",
# "Date: 2023-05-08", "Day 2".
HEADER_WORDS = _words(
    "session sessions conversation conversations dialogue dialog transcript chat date time "
    "timestamp datetime day episode meeting round turn entry log"
)
_VERB_STARTERS = _words(
    "let make take give get go come keep use try find tell ask show call check add remember "
    "consider imagine suppose assume given based according regarding including following "
    "using having being going doing getting making"
)
# Verbs a chat sentence opens on with whom they are about right after: an imperative ("Bring
# Andrés", "Send Tom my love") or a past tense, the "I" left out ("Asked Bec on Rottnest", "Met
# Tom at the pub"). The name that follows is a name; the verb is none.
PERSON_OBJECT_VERBS = _words(
    "bring send invite hug kiss wish greet text email phone message thank tell ask call meet "
    "asked called texted met told invited messaged emailed rang phoned dumped kissed hugged "
    "thanked saw"
)
MONTHS_AND_DAYS = _words(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday "
    "friday saturday sunday mon tue tues wed thu thur thurs fri sat am pm a.m p.m "
    "christmas xmas halloween"
)
# Honorifics never belong to a name but announce a person: "Dr. Jane Smith" -> "Jane Smith".
TITLES = _words("mr mrs ms miss dr prof mx rev sir madam dame capt col gen sgt lt")
# Roles dropped from the start of a name ("President Lee" -> "Lee") but kept inside one
# ("Burger King").
ROLE_TITLES = _words(
    "president senator governor mayor minister judge king queen prince princess pope bishop "
    "professor director coach captain chancellor chairman chairwoman lord lady saint uncle aunt"
)
# Role acronyms between two names: "Acme CEO Alice" means Alice is CEO of Acme.
ROLE_ACRONYMS = _words("ceo cto cfo coo cio cmo cpo vp svp evp")

# Capitalised words that are (almost) never part of a name: a sentence-initial "The", "After",
# "We" or "Finally" must not become an entity.
NON_NAME_WORDS = (
    DETERMINERS
    | PREPOSITIONS
    | CONJUNCTIONS
    | AUXILIARIES
    | NEGATIONS
    | _PRONOUNS
    | _SENTENCE_STARTERS
    | _VERB_STARTERS
    | PERSON_OBJECT_VERBS
    | MONTHS_AND_DAYS
    | TITLES
    | ROLE_ACRONYMS
    | INTERJECTIONS
)

# Fond words a chat sentence may open with before a name ("Little Mochi.", "Poor Tibbles!"):
# no part of it when the chunk names it without them.
FOND_WORDS = _words("little poor dear sweet old baby darling lovely cheeky naughty silly brave")

# Lower-case words allowed inside a multi-word name: "Bank of America", "Johnson & Johnson".
CONNECTORS = _words("of de la le del della di da du van von der den y & 'n")

# Speaker labels of chat transcripts that name a role, not a person ("Q: ...", "User: ...").
GENERIC_SPEAKERS = _words(
    "q a question answer user human assistant ai system bot model me you customer agent "
    "interviewer interviewee speaker tool"
)

# Words before a period that does not end the sentence ("Dr. Smith"). Company suffixes are not
# among them: "Acme Inc." before a capitalised word ends a sentence far more often than not.
ABBREVIATIONS = _words(
    "mr mrs ms dr prof st jr sr vs etc e.g i.e cf al fig no vol approx dept est mt ft gen col "
    "capt sgt lt rev"
)
# Vague or evaluative words that are no concept on their own: "it was great" and "means a
# lot" say nothing a graph can use, "is vegetarian" does.
VAGUE_OBJECTS = _words(
    "great good fine ok okay awesome amazing cool nice neat wonderful fantastic terrific "
    "incredible lovely beautiful gorgeous cute sweet bad awful terrible tough hard easy fun funny "
    "happy sad glad sure true right wrong positive negative important interesting exciting "
    "excited inspiring proud grateful thankful lucky busy ready well better best worse worst "
    "lot lots bit ton tons one ones thing things stuff way ways time times help sense deal "
    "talk chat everything something anything nothing all same kind sort part "
    # adverbs a verb's particle leaves where its object would be ("got back from the park")
    "back away out over around together along ahead behind again "
    # what a phrase's verb takes up, not a thing: "took up residence on the first of June"
    "residence"
)
#: Vehicles a person owns, as a regex alternation ("I've got a motorbike now", "my van was stolen").
VEHICLES = (
    r"car|van|motorbike|motorcycle|bike|bicycle|e-bike|campervan|camper|caravan|boat|truck|"
    r"pickup|scooter|moped"
)
#: Workplaces named by what they are ("I quit the studio", "I joined a small startup, Brightwave"),
#: as a regex alternation.
WORKPLACES = (
    r"studio|office|firm|company|agency|bank|practice|restaurant|café|cafe|shop|store|lab|"
    r"hospital|clinic|startup|start-up|bakery|paper|newspaper|magazine|school|factory|"
    r"warehouse|hotel|bar|salon|kitchen"
)
# Last words that make a name an organization ("Acme Corp", "Beta Labs").
ORG_SUFFIXES = _words(
    "inc corp corporation ltd llc gmbh plc ag sa co company group holdings bank university "
    "college institute foundation agency labs lab technologies technology systems solutions "
    "software partners ventures capital association society council committee ministry "
    "department school hospital press media studios studio airlines motors industries "
    "network networks club team"
)
# A name right after these is probably a place: "lives in Paris", "moved to Berlin".
PLACE_PREPOSITIONS = _words("in from near")
MOVEMENT_VERBS = _words(
    "moved move moving went go going flew fly travelled traveled relocated returned drove "
    "visit visited visiting trip"
)
# A name right before these is probably a person: "Alice said", "Bob married".
PERSON_VERBS = _words(
    "said says told asked met meets married marries lives lived moved moves loves loved likes "
    "liked thinks thought believes believed wrote writes studied studies feels felt wants "
    "wanted prefers preferred hates hated smiled laughed replied answered explained mentioned "
    "born grew graduated retired died proposed proposes propose"
)
# A capitalised word opening a chat sentence is a name when one of these follows ("Alice came
# over"), not when an adjective or a noun does ("Life's tough", "Way to go").
SUBJECT_VERBS = PERSON_VERBS | _words(
    "came went got took gave made called texted sent bought brought visited started joined "
    "finished won left arrived helped invited taught passed quit resigned sold popped broke"
)
# A name right after these is a person: "my sister Carol", "her friend Gina".
PERSON_NOUNS = _words(
    "friend friends buddy pal bestie sister brother sis bro mom mum mother dad father mommy daddy "
    "son daughter husband wife hubby boyfriend girlfriend partner fiance fiancé fiancee fiancée "
    "spouse cousin niece nephew grandma grandpa granny grandmother grandfather grandson "
    "granddaughter stepmom stepdad colleague coworker co-worker boss manager mentor mentee "
    "neighbor neighbour roommate classmate teammate teacher student tutor coach therapist "
    "doctor nurse kid child baby"
)
# A name right after these and before a comma or an exclamation is addressed: "Hey Mel!",
# "Thanks, Caroline.", "Congrats Jon!"
VOCATIVE_CUES = _words(
    "hey hi hello hiya heya howdy yo thanks thank thx congrats congratulations bye goodbye "
    "morning evening night dear yeah yes yep yup wow whoa woah aw aww oh sorry welcome"
)
# Past participles without an -ed/-en/-wn ending, for passives: "Acme, led by Alice".
IRREGULAR_PARTICIPLES = _words(
    "led built run held bought made won sold paid set kept found sent taught caught brought "
    "owned hit put read"
)
# The last word of a job title: "a product manager", "senior engineer", "head of marketing".
JOB_NOUNS = _words(
    "engineer developer programmer designer manager director lead head officer executive ceo "
    "cto cfo coo vp president founder cofounder co-founder owner analyst scientist researcher "
    "consultant architect accountant lawyer attorney teacher professor lecturer tutor nurse "
    "doctor physician surgeon dentist pharmacist therapist counselor counsellor chef cook baker "
    "barista waiter waitress bartender writer author editor journalist reporter producer "
    "photographer artist musician intern assistant associate specialist coordinator "
    "administrator supervisor technician mechanic electrician plumber carpenter clerk cashier "
    "salesperson representative agent strategist marketer recruiter paralegal pilot "
    "firefighter librarian veterinarian vet trainer coach instructor translator postdoc "
    "freelancer dispatcher driver planner tester roaster principal headteacher headmaster "
    "headmistress inspector foreman forewoman paramedic psychologist psychiatrist optician "
    "midwife carer caregiver nanny receptionist secretary bookkeeper auditor actuary economist "
    "surveyor illustrator animator steward stewardess porter courier machinist welder "
    "superintendent registrar guide ranger warden guard cleaner labourer laborer farmer "
    "gardener builder hairdresser barber stylist leader trainee apprentice"
)
#: The last words of a place of study's name: leaving or starting there is studies, not a job.
INSTITUTION_WORDS = _words(
    "university uni college school academy institute conservatoire conservatory polytechnic "
    "seminary"
)
#: Acronyms of a trade that open a job title ("UX designer", "QA engineer"), never an employer.
TRADE_ACRONYMS = frozenset(("UX", "UI", "QA", "HR", "IT", "PR", "SEO", "ML", "AI", "BI", "QC"))
#: :data:`JOB_NOUNS` as a regex alternation, longest first (so "co-founder" wins over "founder").
JOB_PATTERN = "|".join(sorted(JOB_NOUNS, key=len, reverse=True))
