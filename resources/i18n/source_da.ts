<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="da_DK">
<context>
    <name>DataSourcePage</name>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="225"/>
        <source>None</source>
        <translation>Ingen</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="225"/>
        <source>Folder</source>
        <translation>Mappe</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="225"/>
        <source>SQL database</source>
        <translation>SQL-database</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="231"/>
        <source>Not available in this version</source>
        <translation>Findes ikke i denne version</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="234"/>
        <source>The folder the CRM&apos;s export is written to</source>
        <translation>Mappen, som CRM-systemets eksport skrives til</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="235"/>
        <source>&amp;Browse…</source>
        <translation>G&amp;ennemse…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="252"/>
        <source>none (e.g. done)</source>
        <translation>ingen (f.eks. done)</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="257"/>
        <location filename="../../kpidesk/gui/datasource_page.py" line="262"/>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="266"/>
        <source>&amp;Kind:</source>
        <translation>T&amp;ype:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="267"/>
        <source>F&amp;older:</source>
        <translation>&amp;Mappe:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="268"/>
        <source>Database U&amp;RL:</source>
        <translation>Database-&amp;URL:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="269"/>
        <source>&amp;Mapping:</source>
        <translation>Map&amp;ning:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="270"/>
        <source>Marker &amp;file:</source>
        <translation>Markør&amp;fil:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="271"/>
        <source>S&amp;ettle time:</source>
        <translation>&amp;Ventetid:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="272"/>
        <source>&amp;Query time-out:</source>
        <translation>Tidsgrænse for forespørgs&amp;ler:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="298"/>
        <source>&amp;Save</source>
        <translation>&amp;Gem</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="301"/>
        <source>Undo chan&amp;ges</source>
        <translation>Fortryd &amp;ændringer</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="304"/>
        <source>&amp;Import now</source>
        <translation>&amp;Importér nu</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="318"/>
        <source>Data source for the nightly run</source>
        <translation>Datakilde for den natlige beregning</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="347"/>
        <source>Recent imports</source>
        <translation>Seneste importer</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="348"/>
        <source>&amp;Latest imports</source>
        <translation>Seneste imp&amp;orter</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="390"/>
        <source>Loading…</source>
        <translation>Indlæser…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="427"/>
        <source>Could not read the data source: %1</source>
        <translation>Datakilden kunne ikke læses: %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="435"/>
        <source>No imports yet.</source>
        <translation>Ingen importer endnu.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kpidesk/gui/datasource_page.py" line="439"/>
        <source>%n import(s)</source>
        <translation>
                <numerusform>%n import</numerusform>
                <numerusform>%n importer</numerusform>
            </translation>
    </message>
    <message numerus="yes">
        <location filename="../../kpidesk/gui/datasource_page.py" line="440"/>
        <source>, %n failed</source>
        <translation>
                <numerusform>, %n fejlet</numerusform>
                <numerusform>, %n fejlet</numerusform>
            </translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="447"/>
        <source>kpidesk&apos;s own five files</source>
        <translation>kpidesks egne fem filer</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="450"/>
        <source>Preset: %1</source>
        <translation>Forudindstilling: %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="453"/>
        <source>File…</source>
        <translation>Fil…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="474"/>
        <source>No data source: the nightly run calculates on the CRM data imported by hand.</source>
        <translation>Ingen datakilde: den natlige beregning bruger de CRM-data, der er importeret i hånden.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="477"/>
        <source>Every night the newest complete export is imported first: CSV files written since the last import, none changing during the settle time, and the marker file there if one is named (the CRM writes it last).</source>
        <translation>Hver nat importeres den nyeste komplette eksport først: CSV-filer skrevet siden sidste import, ingen der ændrer sig i ventetiden, og markørfilen, hvis en er angivet (CRM-systemet skriver den til sidst).</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="482"/>
        <source>Every night the CRM&apos;s database is read first (read-only, one SELECT per kind of record from the mapping). The password is never shown again once saved.</source>
        <translation>Hver nat læses CRM-systemets database først (skrivebeskyttet, én SELECT pr. slags post fra mapningen). Adgangskoden vises aldrig igen, når den er gemt.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="498"/>
        <source>Choose a mapping file</source>
        <translation>Vælg en mapningsfil</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="498"/>
        <source>Mapping files (*.toml)</source>
        <translation>Mapningsfiler (*.toml)</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="514"/>
        <source>Choose the export folder</source>
        <translation>Vælg eksportmappen</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="537"/>
        <source>Folder: required (where the CRM writes its export).</source>
        <translation>Mappe: skal udfyldes (hvor CRM-systemet skriver sin eksport).</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="540"/>
        <source>Marker file: a file name in the folder, not a path (e.g. done).</source>
        <translation>Markørfil: et filnavn i mappen, ikke en sti (f.eks. done).</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="543"/>
        <source>Database URL: required.</source>
        <translation>Database-URL: skal udfyldes.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="559"/>
        <source>Saving…</source>
        <translation>Gemmer…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="564"/>
        <source>Saved.</source>
        <translation>Gemt.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="573"/>
        <source>Not saved:</source>
        <translation>Ikke gemt:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="587"/>
        <source>Importing from the data source…</source>
        <translation>Importerer fra datakilden…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="589"/>
        <source>Waiting for a complete export…</source>
        <translation>Venter på en komplet eksport…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="607"/>
        <source>Checking…</source>
        <translation>Kontrollerer…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="607"/>
        <source>Writing…</source>
        <translation>Skriver…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="615"/>
        <source>Imported: %1</source>
        <translation>Importeret: %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="617"/>
        <source>Nothing new to import: %1</source>
        <translation>Intet nyt at importere: %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="619"/>
        <source>No data source is set up: choose a kind and save first.</source>
        <translation>Der er ingen datakilde: vælg en type og gem først.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="622"/>
        <location filename="../../kpidesk/gui/datasource_page.py" line="629"/>
        <source>The import failed; nothing was changed:</source>
        <translation>Importen fejlede; intet blev ændret:</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kpidesk/gui/datasource_page.py" line="648"/>
        <source>… and %n more</source>
        <translation>
                <numerusform>… og %n mere</numerusform>
                <numerusform>… og %n mere</numerusform>
            </translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="663"/>
        <source>Save the changes first</source>
        <translation>Gem ændringerne først</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="664"/>
        <source>No data source is set up</source>
        <translation>Der er ingen datakilde</translation>
    </message>
</context>
<context>
    <name>ImportsModel</name>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="141"/>
        <source>Time</source>
        <translation>Tidspunkt</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="141"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="141"/>
        <source>Rows per file</source>
        <translation>Rækker pr. fil</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="141"/>
        <source>Error</source>
        <translation>Fejl</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="144"/>
        <source>Imported</source>
        <translation>Importeret</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="144"/>
        <source>Failed</source>
        <translation>Fejlet</translation>
    </message>
</context>
</TS>
