<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="da_DK">
<context>
    <name>ActivitiesTab</name>
    <message>
        <location filename="../../kpidesk/gui/crm_views.py" line="260"/>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_views.py" line="261"/>
        <location filename="../../kpidesk/gui/crm_views.py" line="364"/>
        <source>All types</source>
        <translation>Alle typer</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_views.py" line="264"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_views.py" line="265"/>
        <source>All statuses</source>
        <translation>Alle statusser</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_views.py" line="272"/>
        <location filename="../../kpidesk/gui/crm_views.py" line="281"/>
        <source>From</source>
        <translation>Fra</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_views.py" line="273"/>
        <source>To</source>
        <translation>Til</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_views.py" line="274"/>
        <source>Mine</source>
        <translation>Mine</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_views.py" line="276"/>
        <source>Only activities I own or take part in</source>
        <translation>Kun aktiviteter, jeg ejer eller deltager i</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_views.py" line="277"/>
        <source>Today</source>
        <translation>I dag</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_views.py" line="279"/>
        <source>Go to today&apos;s first activity</source>
        <translation>Gå til dagens første aktivitet</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_views.py" line="283"/>
        <source>to</source>
        <translation>til</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_views.py" line="336"/>
        <source>activities</source>
        <translation>aktiviteter</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_views.py" line="390"/>
        <source>(only the first {limit}: choose a shorter date range)</source>
        <translation>(kun de første {limit}: vælg en kortere periode)</translation>
    </message>
</context>
<context>
    <name>ActivityModel</name>
    <message>
        <location filename="../../kpidesk/gui/crm_models.py" line="110"/>
        <source>Date</source>
        <translation>Dato</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_models.py" line="111"/>
        <source>Time</source>
        <translation>Tid</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_models.py" line="112"/>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_models.py" line="113"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_models.py" line="115"/>
        <source>Company</source>
        <translation>Firma</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_models.py" line="116"/>
        <source>Owner</source>
        <translation>Ejer</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_models.py" line="117"/>
        <source>Participants</source>
        <translation>Deltagere</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_models.py" line="127"/>
        <source>Planned</source>
        <translation>Planlagt</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_models.py" line="127"/>
        <source>Done</source>
        <translation>Udført</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_models.py" line="128"/>
        <source>Cancelled</source>
        <translation>Aflyst</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <location filename="../../kpidesk/gui/app.py" line="104"/>
        <source>Creating the CRM data…</source>
        <translation>Opretter CRM-data…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/app.py" line="105"/>
        <source>Setting up the KPIs…</source>
        <translation>Opsætter KPI&apos;erne…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/app.py" line="106"/>
        <source>Calculating 120 nights of KPI history…</source>
        <translation>Beregner 120 nætters KPI-historik…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/app.py" line="147"/>
        <source>Preparing the demo database…</source>
        <translation>Forbereder demodatabasen…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/app.py" line="150"/>
        <location filename="../../kpidesk/gui/app.py" line="161"/>
        <source>Opening the database…</source>
        <translation>Åbner databasen…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/app.py" line="258"/>
        <source>kpidesk cannot start.</source>
        <translation>kpidesk kan ikke starte.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/app.py" line="315"/>
        <source>The database cannot be opened: {message}</source>
        <translation>Databasen kan ikke åbnes: {message}</translation>
    </message>
</context>
<context>
    <name>ChangePasswordDialog</name>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="439"/>
        <source>Change password – kpidesk</source>
        <translation>Skift adgangskode – kpidesk</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="448"/>
        <source>Current password</source>
        <translation>Nuværende adgangskode</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="449"/>
        <source>New password</source>
        <translation>Ny adgangskode</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="450"/>
        <source>Repeat new password</source>
        <translation>Gentag ny adgangskode</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="453"/>
        <source>&amp;Current password</source>
        <translation>&amp;Nuværende adgangskode</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="454"/>
        <source>&amp;New password</source>
        <translation>N&amp;y adgangskode</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="455"/>
        <source>&amp;Repeat new password</source>
        <translation>&amp;Gentag ny adgangskode</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="460"/>
        <source>Change password</source>
        <translation>Skift adgangskode</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="462"/>
        <source>Cancel</source>
        <translation>Annuller</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="474"/>
        <source>The password needs at least {count} characters.</source>
        <translation>Adgangskoden skal have mindst {count} tegn.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="478"/>
        <source>The two passwords differ.</source>
        <translation>De to adgangskoder er forskellige.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="480"/>
        <source>The password must not be the login.</source>
        <translation>Adgangskoden må ikke være det samme som login.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="504"/>
        <source>Changing the password…</source>
        <translation>Skifter adgangskoden…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="518"/>
        <source>The current password is not right.</source>
        <translation>Den nuværende adgangskode er ikke rigtig.</translation>
    </message>
</context>
<context>
    <name>CompaniesTab</name>
    <message>
        <location filename="../../kpidesk/gui/crm_views.py" line="216"/>
        <source>Customers only</source>
        <translation>Kun kunder</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_views.py" line="218"/>
        <source>Mine</source>
        <translation>Mine</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_views.py" line="220"/>
        <source>Only companies where I am key account manager</source>
        <translation>Kun firmaer, hvor jeg er key account manager</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_views.py" line="227"/>
        <source>companies</source>
        <translation>firmaer</translation>
    </message>
</context>
<context>
    <name>CompanyModel</name>
    <message>
        <location filename="../../kpidesk/gui/crm_models.py" line="73"/>
        <source>CRM id</source>
        <translation>CRM-id</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_models.py" line="74"/>
        <source>Company</source>
        <translation>Firma</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_models.py" line="75"/>
        <source>Customer</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_models.py" line="77"/>
        <source>Key account manager</source>
        <translation>Key account manager</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_models.py" line="69"/>
        <source>Yes</source>
        <translation>Ja</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_models.py" line="69"/>
        <source>No</source>
        <translation>Nej</translation>
    </message>
</context>
<context>
    <name>CrmTab</name>
    <message>
        <location filename="../../kpidesk/gui/crm_views.py" line="118"/>
        <source>Search…</source>
        <translation>Søg…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_views.py" line="135"/>
        <source>Search</source>
        <translation>Søg</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_views.py" line="171"/>
        <source>Loading…</source>
        <translation>Henter…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_views.py" line="187"/>
        <source>Could not load the data: {message}</source>
        <translation>Data kunne ikke hentes: {message}</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_views.py" line="193"/>
        <source>rows</source>
        <translation>rækker</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_views.py" line="201"/>
        <source>{total} {noun}</source>
        <translation>{total} {noun}</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_views.py" line="203"/>
        <source>{shown} of {total} {noun}</source>
        <translation>{shown} af {total} {noun}</translation>
    </message>
</context>
<context>
    <name>FirstAdminDialog</name>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="322"/>
        <source>First administrator – kpidesk</source>
        <translation>Første administrator – kpidesk</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="333"/>
        <source>Login</source>
        <translation>Login</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="334"/>
        <source>Name</source>
        <translation>Navn</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="335"/>
        <source>Password</source>
        <translation>Adgangskode</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="336"/>
        <source>Repeat password</source>
        <translation>Gentag adgangskode</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="341"/>
        <source>&amp;Login</source>
        <translation>&amp;Login</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="342"/>
        <source>&amp;Name</source>
        <translation>&amp;Navn</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="343"/>
        <source>&amp;Password</source>
        <translation>&amp;Adgangskode</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="344"/>
        <source>&amp;Repeat password</source>
        <translation>&amp;Gentag adgangskode</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="350"/>
        <source>Create administrator</source>
        <translation>Opret administrator</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="353"/>
        <source>Quit</source>
        <translation>Afslut</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="357"/>
        <source>This installation has no administrator yet. Create the first one: they set up the KPIs and give the other users their passwords. The password needs at least {count} characters.</source>
        <translation>Denne installation har endnu ingen administrator. Opret den første: administratoren sætter KPI&apos;erne op og giver de andre brugere deres adgangskoder. Adgangskoden skal have mindst {count} tegn.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="367"/>
        <source>Welcome to kpidesk.</source>
        <translation>Velkommen til kpidesk.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="380"/>
        <source>Enter a login.</source>
        <translation>Skriv et login.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="382"/>
        <source>The login must be one word.</source>
        <translation>Login skal være ét ord.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="384"/>
        <source>The password needs at least {count} characters.</source>
        <translation>Adgangskoden skal have mindst {count} tegn.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="388"/>
        <source>The two passwords differ.</source>
        <translation>De to adgangskoder er forskellige.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="390"/>
        <source>The password must not be the login.</source>
        <translation>Adgangskoden må ikke være det samme som login.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="405"/>
        <source>Creating the administrator…</source>
        <translation>Opretter administratoren…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="423"/>
        <source>An administrator already exists. Restart kpidesk and log in.</source>
        <translation>Der findes allerede en administrator. Start kpidesk igen, og log ind.</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="172"/>
        <source>Log in – kpidesk</source>
        <translation>Log ind – kpidesk</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="177"/>
        <source>Login</source>
        <translation>Login</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="181"/>
        <source>Password</source>
        <translation>Adgangskode</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="188"/>
        <source>&amp;Login</source>
        <translation>&amp;Login</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="189"/>
        <source>&amp;Password</source>
        <translation>&amp;Adgangskode</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="191"/>
        <source>Log in</source>
        <translation>Log ind</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="194"/>
        <source>Quit</source>
        <translation>Afslut</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="223"/>
        <location filename="../../kpidesk/gui/login.py" line="286"/>
        <source>Opening the database…</source>
        <translation>Åbner databasen…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="221"/>
        <location filename="../../kpidesk/gui/login.py" line="258"/>
        <source>Database: {url}</source>
        <translation>Database: {url}</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="211"/>
        <source>Your KPIs from the CRM, calculated every night.</source>
        <translation>Dine KPI&apos;er fra CRM-systemet, beregnet hver nat.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="272"/>
        <source>Enter your login.</source>
        <translation>Skriv dit login.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="277"/>
        <location filename="../../kpidesk/gui/login.py" line="290"/>
        <source>Checking…</source>
        <translation>Kontrollerer…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="461"/>
        <source>You are no longer an administrator. Start kpidesk and log in again.</source>
        <translation>Du er ikke længere administrator. Start kpidesk og log ind igen.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="463"/>
        <source>Your account is no longer active. Ask an administrator.</source>
        <translation>Din konto er ikke længere aktiv. Spørg en administrator.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="464"/>
        <source>Your account was changed</source>
        <translation>Din konto er blevet ændret</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_status.py" line="33"/>
        <source>Calculated last night at {time}</source>
        <translation>Beregnet i nat {time}</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_status.py" line="36"/>
        <source>Calculated today at {time}</source>
        <translation>Beregnet i dag {time}</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_status.py" line="40"/>
        <source>Calculated yesterday at {time}</source>
        <translation>Beregnet i går {time}</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_status.py" line="46"/>
        <source>dd/MM/yyyy</source>
        <translation>dd-MM-yyyy</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_status.py" line="48"/>
        <source>Calculated {date} {time}</source>
        <translation>Beregnet {date} {time}</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_status.py" line="72"/>
        <location filename="../../kpidesk/gui/run_status.py" line="96"/>
        <source>The KPIs have not been calculated yet</source>
        <translation>KPI&apos;erne er ikke beregnet endnu</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="390"/>
        <location filename="../../kpidesk/gui/run_status.py" line="83"/>
        <source>Calculating the KPIs…</source>
        <translation>Beregner KPI&apos;erne…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_status.py" line="87"/>
        <source>The last KPI calculation failed</source>
        <translation>Seneste KPI-beregning mislykkedes</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_status.py" line="89"/>
        <source>{failed} – figures: {previous}</source>
        <translation>{failed} – tallene: {previous}</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_status.py" line="100"/>
        <source>{previous} – more than a day ago</source>
        <translation>{previous} – mere end et døgn siden</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_status.py" line="104"/>
        <source>The nightly calculation has not run since; it catches up when kpidesk runs.</source>
        <translation>Den natlige beregning har ikke kørt siden; den indhenter det, når kpidesk kører.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="90"/>
        <source>&amp;Companies</source>
        <translation>&amp;Firmaer</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="91"/>
        <source>&amp;Activities</source>
        <translation>&amp;Aktiviteter</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="92"/>
        <source>&amp;Opportunities</source>
        <translation>&amp;Salgsmuligheder</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="129"/>
        <source>KPI setup</source>
        <translation>KPI opsætning</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="132"/>
        <source>Set up profiles, users and KPI rules (Ctrl+K)</source>
        <translation>Opsæt profiler, brugere og KPI-regler (Ctrl+K)</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="136"/>
        <source>My KPIs</source>
        <translation>Mine KPI</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="139"/>
        <source>Today&apos;s KPIs: values, scores, forecast (Ctrl+M)</source>
        <translation>Dagens KPI: værdier, score og prognose (Ctrl+M)</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="143"/>
        <source>&amp;Refresh</source>
        <translation>&amp;Opdater</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="148"/>
        <source>&amp;Find</source>
        <translation>&amp;Søg</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="152"/>
        <source>&amp;Quit</source>
        <translation>&amp;Afslut</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="156"/>
        <source>&amp;About kpidesk</source>
        <translation>&amp;Om kpidesk</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="161"/>
        <source>KPI</source>
        <translation>KPI</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="181"/>
        <source>&amp;File</source>
        <translation>&amp;Filer</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="182"/>
        <source>Change &amp;password…</source>
        <translation>Skift &amp;adgangskode…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="188"/>
        <source>&amp;View</source>
        <translation>&amp;Vis</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="197"/>
        <source>&amp;Language</source>
        <translation>&amp;Sprog</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="210"/>
        <source>&amp;KPI</source>
        <translation>&amp;KPI</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="214"/>
        <source>&amp;Help</source>
        <translation>&amp;Hjælp</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="301"/>
        <source>administrator</source>
        <translation>administrator</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="301"/>
        <source>user</source>
        <translation>bruger</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="302"/>
        <source>Logged in as {name} ({login})</source>
        <translation>Logget ind som {name} ({login})</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="305"/>
        <source>profile {profile}</source>
        <translation>profil {profile}</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="345"/>
        <source>Run status unknown</source>
        <translation>Beregningsstatus ukendt</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="478"/>
        <source>Language</source>
        <translation>Sprog</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="479"/>
        <source>The language changes when you start kpidesk again.</source>
        <translation>Sproget skifter, næste gang du starter kpidesk.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="492"/>
        <source>About kpidesk</source>
        <translation>Om kpidesk</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="494"/>
        <source>&lt;h3&gt;kpidesk {version}&lt;/h3&gt;&lt;p&gt;KPIs for your CRM: calculated every night for every user, with history and forecast.&lt;/p&gt;&lt;p&gt;Database: {database}&lt;/p&gt;</source>
        <translation>&lt;h3&gt;kpidesk {version}&lt;/h3&gt;&lt;p&gt;KPI&apos;er til dit CRM-system: beregnet hver nat for alle brugere, med historik og prognose.&lt;/p&gt;&lt;p&gt;Database: {database}&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="142"/>
        <source>&amp;Stop calculation…</source>
        <translation>&amp;Stop beregningen…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="145"/>
        <source>Stop the KPI calculation; the figures stay as they were</source>
        <translation>Stop KPI-beregningen; tallene forbliver som de var</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="141"/>
        <source>Stop</source>
        <translation>Stop</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="428"/>
        <source>KPI calculation queued behind the one in progress…</source>
        <translation>KPI-beregningen venter på den, der er i gang…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="430"/>
        <source>Waiting for a KPI calculation on another computer…</source>
        <translation>Venter på en KPI-beregning på en anden computer…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="142"/>
        <source>Stop calculation</source>
        <translation>Stop beregning</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="452"/>
        <source>Stop the KPI calculation? It stops after the rule it is calculating; the figures stay as they were before it started.</source>
        <translation>Stop KPI-beregningen? Den stopper efter den regel, den er i gang med; tallene forbliver som før den startede.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="458"/>
        <source>Continue</source>
        <translation>Fortsæt</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/main_window.py" line="466"/>
        <source>Stopping the KPI calculation…</source>
        <translation>Stopper KPI-beregningen…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_status.py" line="91"/>
        <source>The last KPI calculation was stopped</source>
        <translation>Den seneste KPI-beregning blev stoppet</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_status.py" line="94"/>
        <source>{stopped} – figures: {previous}</source>
        <translation>{stopped} – tallene: {previous}</translation>
    </message>
</context>
<context>
    <name>OpportunitiesTab</name>
    <message>
        <location filename="../../kpidesk/gui/crm_views.py" line="430"/>
        <source>Stage</source>
        <translation>Fase</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_views.py" line="431"/>
        <source>All stages</source>
        <translation>Alle faser</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_views.py" line="434"/>
        <source>Mine</source>
        <translation>Mine</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_views.py" line="436"/>
        <source>Only opportunities I own</source>
        <translation>Kun salgsmuligheder, jeg ejer</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_views.py" line="444"/>
        <source>opportunities</source>
        <translation>salgsmuligheder</translation>
    </message>
</context>
<context>
    <name>OpportunityModel</name>
    <message>
        <location filename="../../kpidesk/gui/crm_models.py" line="182"/>
        <source>Opportunity</source>
        <translation>Salgsmulighed</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_models.py" line="183"/>
        <source>Company</source>
        <translation>Firma</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_models.py" line="184"/>
        <source>Owner</source>
        <translation>Ejer</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_models.py" line="185"/>
        <source>Amount</source>
        <translation>Beløb</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_models.py" line="186"/>
        <source>Stage</source>
        <translation>Fase</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_models.py" line="188"/>
        <source>Created</source>
        <translation>Oprettet</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_models.py" line="190"/>
        <source>Expected close</source>
        <translation>Forventet lukket</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_models.py" line="192"/>
        <source>Closed</source>
        <translation>Lukket</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_models.py" line="197"/>
        <source>Open</source>
        <translation>Åben</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_models.py" line="197"/>
        <source>Won</source>
        <translation>Vundet</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/crm_models.py" line="197"/>
        <source>Lost</source>
        <translation>Tabt</translation>
    </message>
</context>
<context>
    <name>_CheckingDialog</name>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="108"/>
        <source>Error</source>
        <translation>Fejl</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="146"/>
        <source>The login or the password is not right.</source>
        <translation>Login eller adgangskode er ikke rigtig.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="148"/>
        <source>The database cannot be reached: {message}</source>
        <translation>Databasen kan ikke nås: {message}</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/login.py" line="150"/>
        <source>Something went wrong: {message}</source>
        <translation>Noget gik galt: {message}</translation>
    </message>
</context>
</TS>
