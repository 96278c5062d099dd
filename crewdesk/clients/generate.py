"""Realistic bulk clients for benchmarks and for measuring the duplicate check
(`crewdesk generate_data --clients N`, DESIGN §6).

Clients are people (about 80%) and companies with names from many cultures, emails derived from
their names, valid phone numbers, billing addresses (mostly US, some CA/GB/MX/AU), contacts and
tags. About 3% are near-duplicates of an earlier client, varied the way double entries really
happen (a typo, another email provider, a reformatted phone, "Inc." vs "inc"...) but always
keeping one strong signal (the same phone, email, or street and postal code). Which client each
copies is written to `<CREWDESK_DATA_DIR>/generated/duplicates-<company slug>.csv`, so the
duplicate check's recall and precision can be measured (see recall.py).

Speed: rows are built in Python in batches and written with COPY on PostgreSQL (one INSERT per
table and batch elsewhere). Search tokens, match keys and the sort key come from the same
functions the services use (indexing.py), so a generated client is found exactly like a typed one.
Client ids are reserved before writing so that children can point at them. History rows
(simple_history) and per-client activity are not written: a generated client has no history.
"""

import csv
import random
import time
import unicodedata
from bisect import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from itertools import accumulate
from pathlib import Path

import phonenumbers
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone, translation

from crewdesk.accounts.models import Membership
from crewdesk.clients import normalize as n
from crewdesk.clients.indexing import client_match_keys, sort_key_for, tokens_for
from crewdesk.clients.models import (
    LEAD_SOURCES,
    Client,
    ClientMatchKey,
    ClientPhone,
    ClientTag,
    ClientToken,
    Contact,
)
from crewdesk.clients.services import tag_get_or_create
from crewdesk.core.bulk import BulkWriter
from crewdesk.core.events import activity_record
from crewdesk.core.models import Company
from crewdesk.core.roles import Role
from crewdesk.core.services import company_create

VERB_GENERATED = "clients.generated"
DEFAULT_COMPANY_NAME = "Sparkle Home Services"
TAG_NAMES = [
    "VIP",
    "Airbnb",
    "Net 30",
    "Weekly",
    "Biweekly",
    "Monthly",
    "Move-out",
    "Pet in home",
    "Key on file",
    "Gate code",
    "Spanish speaking",
    "Late payer",
    "Referral partner",
    "Seasonal",
]


# --- names -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Culture:
    name: str
    weight: float
    first: tuple[str, ...]
    last: tuple[str, ...]
    language: str = "en"  # the client's language when it is one Crewdesk speaks


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(",") if name.strip())


CULTURES = [
    Culture(
        "english",
        40,
        _names(
            "James, Mary, John, Patricia, Robert, Jennifer, Michael, Linda, William, Elizabeth,"
            "David, Barbara, Richard, Susan, Joseph, Jessica, Thomas, Sarah, Christopher, Karen,"
            "Charles, Lisa, Daniel, Nancy, Matthew, Betty, Anthony, Sandra, Mark, Margaret,"
            "Donald, Ashley, Steven, Kimberly, Paul, Emily, Andrew, Donna, Joshua, Michelle,"
            "Kenneth, Carol, Kevin, Amanda, Brian, Melissa, George, Deborah, Timothy, Stephanie,"
            "Ronald, Rebecca, Jason, Laura, Edward, Helen, Jeffrey, Sharon, Ryan, Cynthia, Jacob,"
            "Kathleen, Gary, Amy, Nicholas, Shirley, Eric, Angela, Jonathan, Anna, Stephen, Ruth,"
            "Larry, Brenda, Justin, Pamela, Scott, Nicole, Brandon, Katherine, Benjamin, Samantha,"
            "Zoë, Chloe, Olivia, Liam, Noah, Emma, Ava, Sophia, Mia, Harper, Evelyn, Abigail,"
            "Ella, Madison, Grace, Hannah, Aidan, Owen, Caleb, Logan, Dylan, Siobhan, Seamus,"
            "Niamh, Declan, Bridget, Connor, Fiona, Rhys, Megan, Gareth"
        ),
        _names(
            "Smith, Johnson, Williams, Brown, Jones, Miller, Davis, Wilson, Anderson, Taylor,"
            "Thomas, Moore, Jackson, Martin, Lee, Thompson, White, Harris, Clark, Lewis,"
            "Robinson, Walker, Young, Allen, King, Wright, Scott, Hill, Green, Adams, Baker,"
            "Nelson, Carter, Mitchell, Roberts, Turner, Phillips, Campbell, Parker, Evans,"
            "Edwards, Collins, Stewart, Morris, Murphy, Cook, Rogers, Morgan, Cooper, Peterson,"
            "Bailey, Reed, Kelly, Howard, Cox, Ward, Richardson, Watson, Brooks, Wood, James,"
            "Bennett, Gray, Hughes, Price, Sanders, Myers, Long, Ross, Foster, O'Brien,"
            "O'Connor, McCarthy, MacDonald, Sullivan, Fitzgerald, Brennan, Doyle, Gallagher,"
            "Kowalczyk-Hart, Whitaker, Holloway, Pritchard, Llewellyn, Vaughan, Ashworth"
        ),
    ),
    Culture(
        "spanish",
        17,
        _names(
            "José, María, Juan, Guadalupe, Luis, Carmen, Carlos, Ana, Jorge, Rosa, Miguel,"
            "Sofía, Jesús, Lucía, Alejandro, Valentina, Francisco, Camila, Antonio, Isabel,"
            "Manuel, Elena, Pedro, Teresa, Ricardo, Gabriela, Fernando, Daniela, Javier, Mariana,"
            "Raúl, Verónica, Andrés, Adriana, Diego, Patricia, Eduardo, Alejandra, Héctor,"
            "Claudia, Sergio, Natalia, Óscar, Beatriz, Ramón, Ximena, Rubén, Paola, Iván, Inés,"
            "María José, Juan Carlos, José Luis, Ana Sofía"
        ),
        _names(
            "García, Rodríguez, Martínez, Hernández, López, González, Pérez, Sánchez, Ramírez,"
            "Torres, Flores, Rivera, Gómez, Díaz, Reyes, Morales, Cruz, Ortiz, Gutiérrez, Chávez,"
            "Ramos, Ruiz, Álvarez, Mendoza, Vásquez, Castillo, Jiménez, Moreno, Romero, Herrera,"
            "Medina, Aguilar, Vargas, Guzmán, Muñoz, Núñez, Castro, Ortega, Delgado, Peña,"
            "Salazar, Fuentes, Espinoza, Ibáñez, Domínguez, Cervantes, Rosales, Villanueva,"
            "De la Cruz, Del Valle, García López, Zúñiga, Quiñones, Echeverría"
        ),
        language="es",
    ),
    Culture(
        "chinese",
        4,
        _names(
            "Wei, Fang, Min, Jing, Li, Na, Lei, Yan, Jun, Tao, Hui, Xin, Ying, Hao, Yu, Jie,"
            "Qiang, Ming, Xiaoming, Xiaoling, Jian, Lin, Mei, Hong, Ping, Bo, Yong, Zhen, Qing,"
            "Yifan, Zihan, Haoran, Yuxuan, Ruoxi, Shu, Kai, Lan, Ka-Wai, Siu-Ming, Wing"
        ),
        _names(
            "Wang, Li, Zhang, Liu, Chen, Yang, Huang, Zhao, Wu, Zhou, Xu, Sun, Ma, Zhu, Hu, Guo,"
            "He, Lin, Gao, Luo, Zheng, Liang, Xie, Song, Tang, Deng, Feng, Han, Cao, Zeng, Peng,"
            "Xiao, Cai, Pan, Tian, Dong, Yuan, Jiang, Wong, Chan, Leung, Cheung, Lau, Ng, Ho,"
            "Chow, Tsai, Hsu, Chang, Ouyang"
        ),
    ),
    Culture(
        "indian",
        4,
        _names(
            "Aarav, Priya, Rahul, Ananya, Rohan, Divya, Arjun, Sneha, Vikram, Pooja, Amit, Neha,"
            "Sanjay, Kavya, Rajesh, Lakshmi, Suresh, Deepa, Anil, Meera, Ravi, Shreya, Karthik,"
            "Aishwarya, Nikhil, Swati, Vijay, Sunita, Aditya, Ishaan, Harpreet, Gurpreet, Manish,"
            "Sunil, Asha, Nisha, Venkatesh, Srinivas, Arun, Radhika"
        ),
        _names(
            "Patel, Sharma, Singh, Kumar, Gupta, Shah, Reddy, Rao, Iyer, Nair, Mehta, Joshi,"
            "Desai, Agarwal, Chopra, Malhotra, Kapoor, Bhat, Menon, Pillai, Verma, Mishra,"
            "Chatterjee, Banerjee, Mukherjee, Das, Bose, Krishnan, Subramanian, Venkataraman,"
            "Naidu, Chaudhary, Sethi, Trivedi, Pandey, Dubey, Gill, Sandhu, Dhillon, Grewal"
        ),
    ),
    Culture(
        "vietnamese",
        3,
        _names(
            "Anh, Bảo, Châu, Dũng, Đức, Hải, Hạnh, Hiếu, Hoa, Hùng, Hương, Khánh, Lan, Linh, Long,"
            "Mai, Minh, Nam, Ngọc, Nhung, Phương, Quân, Quang, Thanh, Thảo, Thu, Trang, Trung,"
            "Tuấn, Tuyết, Vân, Vinh, Vy, Xuân, Thúy, Tâm"
        ),
        _names(
            "Nguyễn, Trần, Lê, Phạm, Hoàng, Huỳnh, Phan, Vũ, Võ, Đặng, Bùi, Đỗ, Hồ, Ngô, Dương, Lý,"
            "Nguyen, Tran, Le, Pham, Hoang, Huynh, Vu, Vo, Dang, Bui, Do, Ngo, Duong, Truong,"
            "Trương, Đinh, Lam, Mai"
        ),
    ),
    Culture(
        "filipino",
        3,
        _names(
            "Jose, Maria, Juan, Mark, John Paul, Jerome, Christian, Angelica, Kristine, Mary Grace,"
            "Maricel, Rowena, Jocelyn, Rodel, Arnel, Romeo, Jun, Bong, Edwin, Rommel, Leah, Cherry,"
            "Joy, Lovely, Rhea, Aileen, Analyn, Jericho, Marvin, Ronaldo"
        ),
        _names(
            "Santos, Reyes, Cruz, Bautista, Ocampo, Garcia, Mendoza, Torres, Tomas, Andrada,"
            "Castillo, Flores, Villanueva, Ramos, Castro, Rivera, Aquino, Navarro, Salazar,"
            "Mercado, Dela Cruz, Delos Santos, Manalo, Pascual, Gonzales, Lopez, Dizon, Soriano,"
            "Macaraeg, Tolentino, Magsaysay, Dimaculangan"
        ),
    ),
    Culture(
        "korean",
        2,
        _names(
            "Min-jun, Seo-yeon, Ji-ho, Ha-eun, Jae-won, Ji-woo, Hyun-woo, Soo-ah, Dong-hyun,"
            "Ye-jin, Sung-min, Eun-ji, Jin, Hye-jin, Young-ho, Min-seo, Jun-seo, Su-bin,"
            "Tae-yang, Da-eun, Kyung-soo, Mi-young, Sang-woo, Ji-hoon, Grace, Daniel"
        ),
        _names(
            "Kim, Lee, Park, Choi, Jung, Kang, Cho, Yoon, Jang, Lim, Han, Oh, Seo, Shin, Kwon,"
            "Hwang, Ahn, Song, Yoo, Hong, Jeon, Ko, Moon, Yang, Son, Bae, Baek, Heo, Nam"
        ),
    ),
    Culture(
        "japanese",
        1.5,
        _names(
            "Haruto, Yuto, Sota, Yuki, Hiroshi, Takashi, Kenji, Satoshi, Daisuke, Kazuki, Ren,"
            "Sakura, Yui, Aoi, Hina, Yuna, Akiko, Keiko, Yoko, Tomoko, Naomi, Emi, Mai, Rin,"
            "Haruka, Kenta, Shota, Takumi, Kōji, Yūko"
        ),
        _names(
            "Sato, Suzuki, Takahashi, Tanaka, Watanabe, Ito, Yamamoto, Nakamura, Kobayashi, Kato,"
            "Yoshida, Yamada, Sasaki, Yamaguchi, Matsumoto, Inoue, Kimura, Hayashi, Shimizu,"
            "Yamazaki, Mori, Abe, Ikeda, Hashimoto, Ishikawa, Ogawa, Okada, Fujita, Goto, Saito,"
            "Satō, Itō"
        ),
    ),
    Culture(
        "arabic",
        2,
        _names(
            "Mohammed, Muhammad, Ahmed, Ali, Omar, Youssef, Khalid, Hassan, Hussein, Ibrahim,"
            "Mustafa, Tariq, Karim, Samir, Nasser, Fatima, Aisha, Layla, Mariam, Noor, Zainab,"
            "Amira, Yasmin, Huda, Rania, Salma, Leila, Hana, Dina, Sara"
        ),
        _names(
            "Al-Sayed, Haddad, Khoury, Nasser, Hamdan, Aziz, Rahman, Saleh, Mansour, Farouk,"
            "Abdullah, Qureshi, El-Amin, Hakim, Suleiman, Bakr, Darwish, Jaber, Karam, Mahmoud,"
            "Najjar, Obeid, Sabbagh, Yousef, Zayed, Ibrahim, Hussein, Al-Masri, Bitar, Shaheen"
        ),
    ),
    Culture(
        "nigerian",
        2,
        _names(
            "Chinedu, Ngozi, Oluwaseun, Adebayo, Chiamaka, Emeka, Funmilayo, Ifeanyi, Kehinde,"
            "Taiwo, Obinna, Nkechi, Tunde, Yetunde, Babajide, Folake, Uchenna, Amaka, Segun,"
            "Bukola, Chidi, Ebere, Femi, Temitope, Olumide, Aisha, Musa, Abubakar, Zainab, Ibrahim"
        ),
        _names(
            "Okafor, Adeyemi, Okonkwo, Eze, Nwosu, Balogun, Adebayo, Ogunleye, Okeke, Obi,"
            "Chukwu, Afolabi, Babatunde, Olawale, Oyelaran, Ibe, Nnamdi, Udeh, Onyekachi,"
            "Akinola, Bello, Danjuma, Garba, Lawal, Okoro, Uche, Anyanwu, Ezeh, Olatunji, Ogbonna"
        ),
    ),
    Culture(
        "polish",
        2,
        _names(
            "Łukasz, Piotr, Krzysztof, Andrzej, Tomasz, Paweł, Michał, Marcin, Jakub, Grzegorz,"
            "Wojciech, Mateusz, Agnieszka, Katarzyna, Małgorzata, Anna, Joanna, Magdalena, Monika,"
            "Ewa, Aleksandra, Zofia, Dorota, Barbara, Jolanta, Bożena, Elżbieta, Kamil, Szymon,"
            "Mariusz"
        ),
        _names(
            "Nowak, Kowalski, Wiśniewski, Wójcik, Kowalczyk, Kamiński, Lewandowski, Zieliński,"
            "Szymański, Woźniak, Dąbrowski, Kozłowski, Jankowski, Mazur, Kwiatkowski, Krawczyk,"
            "Piotrowski, Grabowski, Nowakowski, Pawłowski, Michalski, Król, Wieczorek, Jabłoński,"
            "Wróbel, Majewski, Olszewski, Stępień, Jaworski, Malinowski, Łuczak, Żak"
        ),
    ),
    Culture(
        "german",
        2.5,
        _names(
            "Lukas, Jonas, Leon, Felix, Maximilian, Paul, Elias, Jürgen, Klaus, Stefan, Wolfgang,"
            "Dieter, Uwe, Matthias, Tobias, Anna, Lena, Lea, Hannah, Sophie, Marie, Katharina,"
            "Julia, Sabine, Ursula, Monika, Petra, Birgit, Jörg, Günter, Björn, Sören, Käthe"
        ),
        _names(
            "Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, Hoffmann,"
            "Schäfer, Koch, Bauer, Richter, Klein, Wolf, Schröder, Neumann, Schwarz, Zimmermann,"
            "Braun, Krüger, Hofmann, Hartmann, Lange, Schmitt, Werner, Krause, Meier, Lehmann,"
            "Weiß, Groß, Köhler, Vogel, von Brandt"
        ),
    ),
    Culture(
        "french",
        2.5,
        _names(
            "Jean, Pierre, Michel, André, Philippe, René, Louis, Alain, Jacques, Bernard, François,"
            "Élodie, Amélie, Hélène, Cécile, Chloé, Léa, Manon, Camille, Inès, Mathilde, Margaux,"
            "Noémie, Céline, Sébastien, Jérôme, Stéphane, Frédéric, Benoît, Gaëlle, Anaïs, Théo,"
            "Hugo, Émile, Jean-Luc, Marie-Claude"
        ),
        _names(
            "Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau,"
            "Simon, Laurent, Lefèvre, Michel, David, Bertrand, Roux, Vincent, Fournier, Morel,"
            "Girard, André, Lefebvre, Mercier, Dupont, Lambert, Bonnet, François, Lemaire, Côté,"
            "Gagnon, Tremblay, Bélanger, Lévesque, Gauthier, Bouchard, D'Amours, St-Pierre"
        ),
    ),
    Culture(
        "italian",
        3,
        _names(
            "Giuseppe, Giovanni, Antonio, Mario, Luigi, Francesco, Alessandro, Lorenzo, Matteo,"
            "Marco, Salvatore, Vincenzo, Francesca, Chiara, Giulia, Sofia, Martina, Alessia,"
            "Giorgia, Valentina, Rosa, Angela, Carmela, Nicolò, Niccolò"
        ),
        _names(
            "Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, Greco,"
            "Bruno, Gallo, Conti, De Luca, Mancini, Costa, Giordano, Rizzo, Lombardi, Moretti,"
            "Barbieri, Fontana, Santoro, Mariani, Rinaldi, Caruso, Ferrara, Galli, D'Angelo,"
            "Di Stefano"
        ),
    ),
    Culture(
        "portuguese",
        2.5,
        _names(
            "João, Thiago, Gabriel, Lucas, Pedro, Rafael, Felipe, Gustavo, Mateus, Leonardo,"
            "Ana, Júlia, Beatriz, Letícia, Luíza, Mariana, Larissa, Camila, Fernanda, Vitória,"
            "Conceição, Antônio, Sebastião, Raimundo"
        ),
        _names(
            "Silva, Santos, Oliveira, Souza, Pereira, Costa, Rodrigues, Almeida, Nascimento,"
            "Lima, Araújo, Fernandes, Carvalho, Gomes, Gonçalves, Martins, Rocha, Ribeiro,"
            "Alves, Monteiro, Mendes, Barros, Freitas, Barbosa, Pinto, Moura, Cavalcanti,"
            "Dias, Castro, Campos"
        ),
    ),
    Culture(
        "russian",
        1.5,
        _names(
            "Dmitri, Sergei, Alexei, Ivan, Nikolai, Andrei, Mikhail, Vladimir, Yuri, Pavel,"
            "Olga, Natalia, Anastasia, Tatiana, Yulia, Ekaterina, Svetlana, Irina, Elena, Oksana"
        ),
        _names(
            "Ivanov, Smirnov, Kuznetsov, Popov, Volkov, Sokolov, Lebedev, Kozlov, Novikov,"
            "Morozov, Petrov, Pavlov, Fedorov, Orlov, Ivanova, Smirnova, Kuznetsova, Popova,"
            "Volkova, Sokolova, Shevchenko, Bondarenko, Kovalenko, Tkachenko"
        ),
    ),
    Culture(
        "turkish",
        0.7,
        _names(
            "Mehmet, Mustafa, Ahmet, Ali, Hüseyin, Hasan, İbrahim, Emre, Burak, Can, Ayşe, Fatma,"
            "Emine, Hatice, Zeynep, Elif, Özlem, Şule, Gül, Derya"
        ),
        _names(
            "Yılmaz, Kaya, Demir, Şahin, Çelik, Yıldız, Yıldırım, Öztürk, Aydın, Özdemir,"
            "Arslan, Doğan, Kılıç, Aslan, Çetin, Kara, Koç, Kurt, Özkan, Şimşek"
        ),
    ),
    Culture(
        "ethiopian",
        0.8,
        _names(
            "Abebe, Bekele, Dawit, Getachew, Haile, Kebede, Mulugeta, Tesfaye, Yohannes, Meron,"
            "Selam, Hiwot, Tigist, Mekdes, Bethlehem, Liya, Rahel, Saba"
        ),
        _names(
            "Tesfaye, Haile, Bekele, Gebremariam, Alemu, Tadesse, Wolde, Mengistu, Girma,"
            "Desta, Assefa, Kidane, Berhane, Negash, Abera"
        ),
    ),
]
_CULTURE_CUM = list(accumulate(c.weight for c in CULTURES))

NICKNAMES = {
    "William": "Bill",
    "Robert": "Bob",
    "Richard": "Rick",
    "Elizabeth": "Liz",
    "Katherine": "Kate",
    "Margaret": "Maggie",
    "Michael": "Mike",
    "Christopher": "Chris",
    "Jennifer": "Jen",
    "Joseph": "Joe",
    "Thomas": "Tom",
    "Daniel": "Dan",
    "Matthew": "Matt",
    "Anthony": "Tony",
    "Nicholas": "Nick",
    "Jonathan": "Jon",
    "Kimberly": "Kim",
    "Samantha": "Sam",
    "Benjamin": "Ben",
    "Rebecca": "Becky",
    "Alejandro": "Alex",
    "Francisco": "Paco",
    "Guadalupe": "Lupe",
    "José": "Pepe",
    "Aleksandra": "Ola",
    "Katarzyna": "Kasia",
    "Maximilian": "Max",
    "Giuseppe": "Joe",
    "Dmitri": "Dima",
}

# --- companies -------------------------------------------------------------------------------

COMPANY_WORDS = _names(
    "Blue Ridge, Golden Gate, Silver Lake, Evergreen, Sunrise, Pinecrest, Harbor View,"
    "Lakeside, Summit, Riverside, Oak Hill, Maple Leaf, Coastal, Northstar, Redwood, Cedar Creek,"
    "Bright Horizon, Premier, Liberty, Heritage, Pacific, Atlantic, Prairie, Magnolia, Cypress,"
    "Willow Creek, Stonebridge, Ironwood, Bluebonnet, Palmetto, Desert Rose, Seaside, Hilltop,"
    "Crescent, Keystone, Pioneer, Meridian, Granite, Aspen, Sapphire, Emerald, Copper Canyon,"
    "Lone Star, Peachtree, Bay Area, Gulf Coast, Twin Oaks, Three Rivers, Whispering Pines"
)
INDUSTRIES = _names(
    "Property Management, Realty, Vacation Rentals, Dental Care, Family Dentistry, Law Group,"
    "Bakery, Coffee Roasters, Fitness, Yoga Studio, Veterinary Clinic, Auto Repair, Hotel, Inn,"
    "Suites, Apartments, Homeowners Association, Community Church, Montessori School,"
    "Medical Group, Consulting, Architects, Builders, Salon & Spa, Brewing, Bistro, Pizzeria,"
    "Taqueria, Grill, Pediatrics, Physical Therapy, Insurance Agency, Accounting, Title Company,"
    "Storage, Self Storage, Cabins, Beach Rentals, Lofts, Townhomes, Senior Living"
)
COMPANY_SUFFIXES = [
    ("Inc.", 22),
    ("LLC", 30),
    ("Ltd.", 4),
    ("Co.", 5),
    ("Corp.", 4),
    ("Group", 4),
    ("PLLC", 2),
    ("LP", 1),
    ("", 28),
]
_SUFFIX_NAMES = [s for s, _w in COMPANY_SUFFIXES]
_SUFFIX_CUM = list(accumulate(w for _s, w in COMPANY_SUFFIXES))

# --- places ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class City:
    name: str
    region: str
    postal_prefix: str  # US: first 3 ZIP digits; CA: FSA; GB: outward code; MX/AU: first digits
    area_codes: tuple[str, ...]  # US/CA area codes, or a national prefix elsewhere


def _cities(rows: str) -> list[City]:
    cities = []
    for row in rows.strip().splitlines():
        name, region, prefix, codes = (part.strip() for part in row.split("|"))
        cities.append(City(name, region, prefix, tuple(codes.split())))
    return cities


US_CITIES = _cities(
    """
    Austin|TX|787|512 737
    Round Rock|TX|786|512 737
    Houston|TX|770|713 281 832
    Dallas|TX|752|214 469 972
    San Antonio|TX|782|210
    Phoenix|AZ|850|602 480 623
    Scottsdale|AZ|852|480
    Tucson|AZ|857|520
    Los Angeles|CA|900|213 310 323 818
    San Diego|CA|921|619 858
    San Jose|CA|951|408 669
    San Francisco|CA|941|415 628
    Sacramento|CA|958|916
    Palm Springs|CA|922|760 442
    Seattle|WA|981|206 425
    Portland|OR|972|503 971
    Denver|CO|802|303 720
    Salt Lake City|UT|841|801 385
    Las Vegas|NV|891|702 725
    Chicago|IL|606|312 773 872
    Minneapolis|MN|554|612 952
    Detroit|MI|482|313
    Columbus|OH|432|614
    Cleveland|OH|441|216
    Indianapolis|IN|462|317
    Nashville|TN|372|615 629
    Atlanta|GA|303|404 470 678
    Savannah|GA|314|912
    Miami|FL|331|305 786
    Orlando|FL|328|407 321
    Tampa|FL|336|813
    Naples|FL|341|239
    Destin|FL|325|850
    Charlotte|NC|282|704 980
    Raleigh|NC|276|919 984
    Asheville|NC|288|828
    Charleston|SC|294|843 854
    Myrtle Beach|SC|295|843
    Washington|DC|200|202
    Baltimore|MD|212|410 443
    Philadelphia|PA|191|215 267
    Pittsburgh|PA|152|412
    New York|NY|100|212 646 917
    Brooklyn|NY|112|718 347 929
    Boston|MA|021|617 857
    Newark|NJ|071|973 862
    New Orleans|LA|701|504
    Kansas City|MO|641|816
    St. Louis|MO|631|314
    Albuquerque|NM|871|505
    Honolulu|HI|968|808
    Anchorage|AK|995|907
    Boise|ID|837|208
    Omaha|NE|681|402 531
    """
)
CA_CITIES = _cities(
    """
    Toronto|ON|M5V M4C M6K M4W|416 647 437
    Vancouver|BC|V6B V5K V6K|604 778
    Montréal|QC|H2X H3A H2J|514 438
    Calgary|AB|T2P T3A|403 587
    Ottawa|ON|K1P K2P|613 343
    """
)
GB_CITIES = _cities(
    """
    London|Greater London|SW1A EC1A N1 E2 W1A SE1|20
    Manchester|Greater Manchester|M1 M4 M20|161
    Glasgow|Scotland|G1 G12|141
    """
)
MX_CITIES = _cities(
    """
    Ciudad de México|CDMX|06 03 11|55
    Guadalajara|Jal.|44 45|33
    Monterrey|N.L.|64 66|81
    """
)
AU_CITIES = _cities(
    """
    Sydney|NSW|20 21|2
    Melbourne|VIC|30 31|3
    Brisbane|QLD|40 41|7
    """
)
COUNTRY_WEIGHTS = [("US", 90), ("CA", 4), ("GB", 2), ("MX", 2), ("AU", 2)]
STREET_NAMES = _names(
    "Main, Oak, Maple, Cedar, Pine, Elm, Washington, Lake, Hill, Park, Sunset, Lincoln,"
    "Jefferson, Madison, Franklin, Highland, Church, Spring, Ridge, River, Meadow, Forest,"
    "Willow, Mill, Center, Chestnut, Walnut, Cherry, Jackson, Adams, Dogwood, Magnolia,"
    "Sycamore, Hickory, Birch, Aspen, Juniper, Laurel, Holly, 1st, 2nd, 3rd, 4th, 5th, 12th,"
    "Broadway, Market, College, Bayview, Ocean, Harbor, Mission, Camino del Sol, Calle Luna,"
    "Martin Luther King Jr, César Chávez, Peachtree, Bluebonnet, Live Oak, Pecan, Mockingbird,"
    "Riverside, Lakeshore, Valley View, Canyon, Prairie, Country Club, Old Mill, Fox Run"
)
STREET_TYPES = [
    ("St", "Street"),
    ("Ave", "Avenue"),
    ("Rd", "Road"),
    ("Blvd", "Boulevard"),
    ("Dr", "Drive"),
    ("Ln", "Lane"),
    ("Ct", "Court"),
    ("Way", "Way"),
    ("Pl", "Place"),
    ("Cir", "Circle"),
    ("Pkwy", "Parkway"),
    ("Ter", "Terrace"),
]
PERSONAL_EMAIL_DOMAINS = [
    ("gmail.com", 40),
    ("yahoo.com", 12),
    ("outlook.com", 8),
    ("hotmail.com", 8),
    ("icloud.com", 7),
    ("aol.com", 3),
    ("comcast.net", 3),
    ("att.net", 2),
    ("proton.me", 2),
    ("me.com", 2),
    ("verizon.net", 1),
    ("live.com", 2),
    ("msn.com", 1),
]
COUNTRY_EMAIL_DOMAINS = {
    "CA": ["shaw.ca", "sympatico.ca", "rogers.com"],
    "GB": ["btinternet.com", "yahoo.co.uk", "sky.com"],
    "MX": ["prodigy.net.mx", "hotmail.com.mx", "yahoo.com.mx"],
    "AU": ["bigpond.com", "optusnet.com.au", "outlook.com.au"],
}
_DOMAIN_NAMES = [d for d, _w in PERSONAL_EMAIL_DOMAINS]
_DOMAIN_CUM = list(accumulate(w for _d, w in PERSONAL_EMAIL_DOMAINS))
CLIENT_TYPES = [
    ("residential", 50),
    ("vacation_rental", 10),
    ("commercial", 8),
    ("property_manager", 4),
    ("other", 3),
    ("", 25),
]
NOTES = [
    "Gate code 4512#.",
    "Dog in the backyard, friendly.",
    "Key under the mat; text before arriving.",
    "Prefers mornings.",
    "Do not use bleach.",
    "Park on the street, not in the driveway.",
    "Call the front desk on arrival.",
    "Invoice monthly, net 30.",
    "Allergic to strong fragrances.",
    "Alarm code on file with the office.",
    "Check-out 11am, check-in 4pm.",
    "Building manager must sign the work order.",
]
_KEYBOARD = {
    "a": "qwsz",
    "b": "vghn",
    "c": "xdfv",
    "d": "serfcx",
    "e": "wsdr",
    "f": "drtgvc",
    "g": "ftyhbv",
    "h": "gyujnb",
    "i": "ujko",
    "j": "huikmn",
    "k": "jiolm",
    "l": "kop",
    "m": "njk",
    "n": "bhjm",
    "o": "iklp",
    "p": "ol",
    "q": "wa",
    "r": "edft",
    "s": "awedxz",
    "t": "rfgy",
    "u": "yhji",
    "v": "cfgb",
    "w": "qase",
    "x": "zsdc",
    "y": "tghu",
    "z": "asx",
}
# Letters that do not decompose into a letter and an accent.
_ASCII_LETTERS = str.maketrans(
    {"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "æ": "ae", "œ": "oe"}
    | {"ı": "i", "ß": "ss"}
)


def ascii_name(text: str) -> str:
    """ "José Núñez" -> "Jose Nunez", "Łukasz" -> "Lukasz": how names lose their accents when
    typed on an English keyboard."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII_LETTERS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _email_word(text: str) -> str:
    return "".join(ch for ch in ascii_name(text).lower() if ch.isascii() and ch.isalnum())


# --- one client ------------------------------------------------------------------------------


@dataclass(slots=True)
class ClientSpec:
    """A client about to be written: the Client row's values, its phones, contacts and tags."""

    id: int = 0
    kind: str = "person"
    first_name: str = ""
    last_name: str = ""
    company_name: str = ""
    billing_name: str = ""
    email: str = ""
    lead_source: str = ""
    notes: str = ""
    client_type: str = ""
    rating: int = 0
    tax_exempt: bool = False
    tax_id: str = ""
    newsletter: bool = False
    preferred_contact: str = "any"
    language: str = "en"
    street: str = ""
    street2: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = "US"
    referred_by_id: int | None = None
    created_at: datetime | None = None
    phones: list[tuple[str, str]] = field(default_factory=list)  # (kind, E.164)
    # (first_name, last_name, role, email, phone E.164)
    contacts: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    tag_ids: list[int] = field(default_factory=list)


class ClientMaker:
    """Makes varied, plausible clients and near-duplicates of them, from one random generator
    (the same seed gives the same clients)."""

    def __init__(self, rng: random.Random, *, home_country: str = "US", tag_ids: Sequence[int]):
        self.rng = rng
        self.home_country = home_country
        self.tag_ids = list(tag_ids)
        # A service business is local: most clients live in one metro area.
        self.home_city = rng.choice(US_CITIES[:8])
        self.used_emails: set[str] = set()
        self.used_phones: set[str] = set()
        with translation.override(None):
            self.lead_sources = [str(s) for s in LEAD_SOURCES]
        self.now = timezone.now()

    # helpers
    def _pick(self, names: Sequence[str], cum: Sequence[float]) -> str:
        return names[bisect(cum, self.rng.random() * cum[-1])]

    def _name_pick(self, names: Sequence[str]) -> str:
        # Earlier names in each list are more common (a gentle, Zipf-like skew).
        index = int(len(names) * self.rng.random() ** 1.6)
        return names[min(index, len(names) - 1)]

    def culture(self) -> Culture:
        return CULTURES[bisect(_CULTURE_CUM, self.rng.random() * _CULTURE_CUM[-1])]

    def person_name(self, culture: Culture | None = None) -> tuple[str, str]:
        culture = culture or self.culture()
        return self._name_pick(culture.first), self._name_pick(culture.last)

    def country(self) -> str:
        roll, total = self.rng.random() * 100, 0
        for country, weight in COUNTRY_WEIGHTS:
            total += weight
            if roll < total:
                return country
        return "US"

    def phone(self, country: str = "US", city: City | None = None) -> str:
        """A valid number in E.164, local to the city when one is given, that no other client
        has: a line belongs to one household or business."""
        for _attempt in range(50):
            number = self._any_phone(country, city)
            if number not in self.used_phones:
                break
        self.used_phones.add(number)
        return number

    def _any_phone(self, country: str, city: City | None) -> str:
        rng = self.rng
        if country == "CA" and city not in CA_CITIES:
            city = rng.choice(CA_CITIES)
        elif country == "US" and city not in US_CITIES:
            city = self.home_city if rng.random() < 0.7 else rng.choice(US_CITIES)
        if country in ("US", "CA"):
            exchange = rng.randint(200, 999)
            while exchange % 100 == 11 or exchange == 555:
                exchange = rng.randint(200, 999)
            return f"+1{rng.choice(city.area_codes)}{exchange}{rng.randint(0, 9999):04d}"
        for _attempt in range(20):
            number = self._foreign_phone(country, city)
            if phonenumbers.is_valid_number(phonenumbers.parse(number)):
                return number
        return self._any_phone("US", None)

    def _foreign_phone(self, country: str, city: City | None) -> str:
        rng = self.rng
        mobile = rng.random() < 0.5
        if country == "GB":
            if mobile:
                return f"+447{rng.choice('4578')}{rng.randint(0, 99999999):08d}"
            code = city.area_codes[0] if city else "20"
            if code == "20":
                return f"+4420{rng.choice('378')}{rng.randint(0, 9999999):07d}"
            return f"+44{code}{rng.choice('2345789')}{rng.randint(0, 999999):06d}"
        if country == "MX":
            code = city.area_codes[0] if city else "55"
            return f"+52{code}{rng.randint(1000, 9999)}{rng.randint(0, 9999):04d}"
        if country == "AU":
            if mobile:
                return f"+614{rng.randint(0, 99999999):08d}"
            code = city.area_codes[0] if city else "2"
            first = {"2": "6789", "3": "89", "7": "345"}.get(code, "9")
            return f"+61{code}{rng.choice(first)}{rng.randint(0, 9999999):07d}"
        return self._any_phone("US", None)

    def address(self) -> dict:
        rng = self.rng
        country = self.country()
        street_type = rng.choice(STREET_TYPES)[0 if rng.random() < 0.7 else 1]
        street = f"{rng.randint(1, 9999)} {rng.choice(STREET_NAMES)} {street_type}"
        if rng.random() < 0.12:
            street = f"{rng.randint(1, 9999)} {rng.choice('NSEW')} {street.split(' ', 1)[1]}"
        street2 = ""
        if rng.random() < 0.15:
            street2 = rng.choice(["Apt", "Unit", "Suite", "#"]) + f" {rng.randint(1, 40)}"
            if rng.random() < 0.3:
                street2 += rng.choice("ABCD")
        if country == "US":
            city = self.home_city if rng.random() < 0.65 else rng.choice(US_CITIES)
            postal = f"{city.postal_prefix}{rng.randint(0, 99):02d}"
            if rng.random() < 0.08:
                postal += f"-{rng.randint(0, 9999):04d}"
        elif country == "CA":
            city = rng.choice(CA_CITIES)
            letters = "ABCEGHJKLMNPRSTVWXYZ"
            postal = (
                f"{rng.choice(city.postal_prefix.split())} "
                f"{rng.randint(0, 9)}{rng.choice(letters)}{rng.randint(0, 9)}"
            )
        elif country == "GB":
            city = rng.choice(GB_CITIES)
            letters = "ABDEFGHJLNPQRSTUWXYZ"
            postal = (
                f"{rng.choice(city.postal_prefix.split())} "
                f"{rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
            )
            street = f"{rng.randint(1, 250)} {rng.choice(STREET_NAMES)} {rng.choice(['Road', 'Street', 'Lane', 'Gardens', 'Close'])}"  # noqa: E501
        elif country == "MX":
            city = rng.choice(MX_CITIES)
            postal = f"{rng.choice(city.postal_prefix.split())}{rng.randint(0, 999):03d}"
            street = (
                f"{rng.choice(['Av.', 'Calle'])} {rng.choice(STREET_NAMES)} {rng.randint(1, 3000)}"  # noqa: E501
            )
        else:
            city = rng.choice(AU_CITIES)
            postal = f"{rng.choice(city.postal_prefix.split())}{rng.randint(0, 99):02d}"
        return {
            "street": street,
            "street2": street2,
            "city": city.name,
            "region": city.region,
            "postal_code": postal,
            "country": country,
            "_city": city,
        }

    def email(self, first: str, last: str, *, country: str = "US", company: str = "") -> str:
        """An address derived from the name, unique in the company."""
        rng = self.rng
        f, l = _email_word(first.split()[0] if first else ""), _email_word(last)  # noqa: E741
        if company:
            domain_word = "".join(_email_word(w) for w in n.company_words(company)[:2]) or "office"
            domain = f"{domain_word}.{rng.choice(['com', 'com', 'com', 'net', 'co', 'biz'])}"
            person = f"{f}.{l}" if f and l else f or "frontdesk"
            local = rng.choice([f or "info", "info", "office", "billing", "admin", person])
        else:
            if country in COUNTRY_EMAIL_DOMAINS and rng.random() < 0.5:
                domain = rng.choice(COUNTRY_EMAIL_DOMAINS[country])
            else:
                domain = self._pick(_DOMAIN_NAMES, _DOMAIN_CUM)
            f = f or "hello"
            l = l or "home"  # noqa: E741
            patterns = [f"{f}.{l}", f"{f}{l}", f"{f[0]}{l}", f"{f}_{l}", f"{l}.{f}", f"{f}{l[0]}"]
            local = rng.choice(patterns)
            if rng.random() < 0.55:
                local += str(rng.choice([rng.randint(1, 99), rng.randint(1950, 2005)]))
        email = f"{local}@{domain}"
        attempt = 0
        while email in self.used_emails:
            # A common mailbox at a common company domain can use up 999 numbers: widen.
            attempt += 1
            email = f"{local}{rng.randint(1, 999 * attempt)}@{domain}"
        self.used_emails.add(email)
        return email

    def company_name(self, culture: Culture | None = None) -> str:
        rng = self.rng
        roll = rng.random()
        last = self._name_pick((culture or self.culture()).last)
        if roll < 0.25:
            base = f"{last} {rng.choice(INDUSTRIES)}"
        elif roll < 0.35:
            base = f"{last} & Sons"
        elif roll < 0.42:
            other = self._name_pick(self.culture().last)
            base = f"{last} & {other}"
        elif roll < 0.5:
            base = f"{self.home_city.name} {rng.choice(INDUSTRIES)}"
        elif roll < 0.55:
            letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTW") for _ in range(rng.randint(2, 3)))
            base = f"{letters} {rng.choice(INDUSTRIES)}"
        else:
            base = f"{rng.choice(COMPANY_WORDS)} {rng.choice(INDUSTRIES)}"
        suffix = self._pick(_SUFFIX_NAMES, _SUFFIX_CUM)
        if not suffix:
            return base
        if suffix in ("Inc.", "Ltd.", "Corp.") and rng.random() < 0.3:
            return f"{base}, {suffix}"
        return f"{base} {suffix}"

    def client(self) -> ClientSpec:
        rng = self.rng
        spec = ClientSpec(kind="company" if rng.random() < 0.2 else "person")
        culture = self.culture()
        address = self.address() if rng.random() < 0.82 else None
        country = address["country"] if address else self.home_country
        city = address["_city"] if address else None
        if spec.kind == "company":
            spec.company_name = self.company_name(culture)
            if rng.random() < 0.6:
                spec.first_name, spec.last_name = self.person_name(culture)
            if rng.random() < 0.1:
                spec.billing_name = f"{spec.company_name} – Accounts Payable"
            if rng.random() < 0.05:
                spec.tax_exempt = True
                spec.tax_id = f"{rng.randint(10, 99)}-{rng.randint(1000000, 9999999)}"
        else:
            spec.first_name, spec.last_name = self.person_name(culture)
            if rng.random() < 0.03:
                spec.first_name = ""  # known only by the last name ("Mrs. Okafor")
        spec.language = culture.language if rng.random() < 0.6 else "en"
        has_email = rng.random() < 0.86
        has_phone = not has_email or rng.random() < 0.88
        if has_email:
            spec.email = self.email(
                spec.first_name or spec.company_name,
                spec.last_name,
                country=country,
                company=spec.company_name if spec.kind == "company" else "",
            )
        if has_phone:
            local = country if rng.random() < 0.6 else "US"
            kind = "work" if spec.kind == "company" else rng.choice(["mobile", "mobile", "home"])
            spec.phones.append((kind, self.phone(local, city)))
            if rng.random() < 0.15:
                other = "mobile" if kind != "mobile" else rng.choice(["home", "work"])
                spec.phones.append((other, self.phone(local, city)))
        if address:
            for name in ("street", "street2", "city", "region", "postal_code", "country"):
                setattr(spec, name, address[name])
        else:
            spec.country = self.home_country
        if rng.random() < 0.6:
            spec.lead_source = rng.choice(self.lead_sources)
        spec.client_type = self._client_type(spec.kind)
        spec.rating = rng.choices([0, 1, 2, 3, 4, 5], [40, 2, 4, 12, 22, 20])[0]
        spec.newsletter = rng.random() < 0.3
        spec.preferred_contact = rng.choices(["any", "email", "phone", "sms"], [60, 20, 10, 10])[0]
        if rng.random() < 0.12:
            spec.notes = rng.choice(NOTES)
        spec.created_at = self.now - timedelta(seconds=rng.random() * 6 * 365 * 86400)
        spec.contacts = self._contacts(spec, culture, country, city)
        if self.tag_ids:
            count = rng.choices([0, 1, 2, 3], [40, 35, 18, 7])[0]
            spec.tag_ids = rng.sample(self.tag_ids, min(count, len(self.tag_ids)))
        return spec

    def _client_type(self, kind: str) -> str:
        rng = self.rng
        if kind == "company":
            return rng.choice(["commercial", "commercial", "property_manager", "vacation_rental"])
        names, weights = zip(*CLIENT_TYPES, strict=True)
        return rng.choices(names, weights)[0]

    def _contacts(
        self, spec: ClientSpec, culture: Culture, country: str, city: City | None
    ) -> list[tuple[str, str, str, str, str]]:
        rng = self.rng
        if spec.kind == "company":
            count = rng.choices([0, 1, 2, 3], [10, 45, 30, 15])[0]
        else:
            count = rng.choices([0, 1, 2, 3], [55, 30, 10, 5])[0]
        contacts = []
        for i in range(count):
            first, last = self.person_name(culture if rng.random() < 0.7 else None)
            if spec.kind == "person" and i == 0 and spec.last_name and rng.random() < 0.7:
                last = spec.last_name  # a spouse or a family member
            if spec.kind == "company":
                role = rng.choice(["billing", "technical", "other", "emergency"])
            else:
                role = rng.choice(["other", "other", "billing", "emergency"])
            email = ""
            if rng.random() < 0.6:
                email = self.email(
                    first,
                    last,
                    country=country,
                    company=spec.company_name if spec.kind == "company" else "",
                )
            phone = self.phone(country, city) if rng.random() < 0.6 else ""
            if not email and not phone and not first:
                continue
            contacts.append((first, last, role, email, phone))
        return contacts

    # --- near-duplicates ---

    def near_duplicate(self, original: ClientSpec) -> tuple[ClientSpec, list[str]]:
        """A second entry of the same client as an office would type it, and what changed.
        It keeps at least one strong signal: the same phone, email, or street and postal code."""
        rng = self.rng
        dup = replace(
            original,
            id=0,
            phones=list(original.phones),
            contacts=[],
            tag_ids=[],
            referred_by_id=None,
            notes="",
            lead_source=rng.choice(["", *self.lead_sources]),
            created_at=self.now - timedelta(seconds=rng.random() * 90 * 86400),
        )
        strong = [
            name
            for name, present in (
                ("email", bool(original.email)),
                ("phone", bool(original.phones)),
                ("address", bool(original.street and original.postal_code)),
            )
            if present
        ]
        keep_chance = {"email": 0.55, "phone": 0.65, "address": 0.45}
        kept = {name for name in strong if rng.random() < keep_chance[name]}
        if not kept:
            kept.add(rng.choice(strong))
        changes = [self._mutate_name(dup)]
        changes.append(self._mutate_email(dup, "email" in kept))
        changes.append(self._mutate_phones(dup, "phone" in kept))
        if original.street:
            changes.append(self._mutate_address(dup, "address" in kept))
        if not dup.email and not dup.phones:
            dup.phones = [("mobile", self.phone(dup.country))]
            changes.append("phone:added_other")
        return dup, changes

    def _mutate_name(self, dup: ClientSpec) -> str:
        rng = self.rng
        if dup.kind == "company":
            choice = rng.choices(
                ["same", "suffix_case", "suffix_dropped", "ampersand", "typo", "upper"],
                [25, 20, 15, 10, 20, 10],
            )[0]
            name = dup.company_name
            if choice == "suffix_case":
                for suffix in ("Inc.", "LLC", "Ltd.", "Co.", "Corp."):
                    if name.endswith(suffix):
                        name = name[: -len(suffix)] + suffix.lower().rstrip(".")
                        break
                else:
                    name, choice = name.lower(), "lower"
            elif choice == "suffix_dropped":
                words = n.words(name)
                stripped = name.rstrip(".").rsplit(" ", 1)[0].rstrip(",")
                if words and words[-1] in n.COMPANY_SUFFIXES and stripped:
                    name = stripped
                else:
                    name, choice = f"{name} LLC", "suffix_added"
            elif choice == "ampersand":
                if "&" in name:
                    name = name.replace("&", "and")
                else:
                    name, choice = name.replace(",", ""), "punctuation"
            elif choice == "typo":
                name = self._typo_in_words(name)
            elif choice == "upper":
                name = name.upper()
            dup.company_name = name
            dup.billing_name = ""
            return f"company:{choice}"
        choice = rng.choices(
            [
                "same",
                "typo_last",
                "typo_first",
                "typo_both",
                "swapped",
                "nickname",
                "no_accents",
                "case",
                "initial",
                "middle_initial",
            ],
            [25, 20, 12, 5, 8, 5, 8, 7, 5, 5],
        )[0]
        first, last = dup.first_name, dup.last_name
        if choice == "nickname" and first not in NICKNAMES:
            choice = "typo_first"
        if choice == "no_accents" and ascii_name(first + last) == first + last:
            choice = "case"
        if choice in ("typo_first", "initial", "middle_initial") and not first:
            choice = "typo_last"
        if choice == "typo_last":
            last = self._typo_in_words(last)
        elif choice == "typo_first":
            first = self._typo_in_words(first)
        elif choice == "typo_both":
            first, last = self._typo_in_words(first), self._typo_in_words(last)
        elif choice == "swapped":
            first, last = last, first
        elif choice == "nickname":
            first = NICKNAMES[first]
        elif choice == "no_accents":
            first, last = ascii_name(first), ascii_name(last)
        elif choice == "case":
            first, last = (
                (first.upper(), last.upper())
                if rng.random() < 0.5
                else (
                    first.lower(),
                    last.lower(),
                )
            )
        elif choice == "initial":
            first = f"{first[0]}."
        elif choice == "middle_initial":
            first = f"{first} {rng.choice('ABCDEJKLMRST')}."
        dup.first_name, dup.last_name = first, last
        return f"name:{choice}"

    def _typo_in_words(self, text: str) -> str:
        """One slip of the fingers in the longest word: a swapped, dropped, wrong or doubled
        letter."""
        rng = self.rng
        words = text.split(" ")
        index = max(range(len(words)), key=lambda i: len(words[i]))
        word = words[index]
        if len(word) < 3:
            return text
        # People seldom get the first letter wrong.
        position = 0 if rng.random() < 0.05 else rng.randint(1, len(word) - 2)
        op = rng.choice(["swap", "drop", "replace", "double"])
        if op == "swap":
            word = word[:position] + word[position + 1] + word[position] + word[position + 2 :]
        elif op == "drop":
            word = word[:position] + word[position + 1 :]
        elif op == "replace":
            ch = word[position]
            near = _KEYBOARD.get(ch.lower())
            if near:
                new = rng.choice(near)
                word = (
                    word[:position] + (new.upper() if ch.isupper() else new) + word[position + 1 :]
                )
            else:
                word = word[:position] + word[position + 1 :]
        else:
            word = word[: position + 1] + word[position:]
        words[index] = word
        return " ".join(words)

    def _mutate_email(self, dup: ClientSpec, keep: bool) -> str:
        rng = self.rng
        if not dup.email:
            if rng.random() < 0.2 and dup.first_name:
                dup.email = self.email(dup.first_name, dup.last_name, country=dup.country)
                return "email:added_other"
            return "email:none"
        local, _at, domain = dup.email.partition("@")
        if keep:
            choice = rng.choices(["same", "upper", "plus_tag"], [75, 15, 10])[0]
            if choice == "plus_tag":
                dup.email = f"{local}+{rng.choice(['home', 'work', 'crew'])}@{domain}"
            # "upper": typed in capitals; the services store emails lower-cased, as do we.
            return f"email:{choice}"
        choice = rng.choices(["other_domain", "missing", "different"], [45, 35, 20])[0]
        if choice == "other_domain":
            other = self._pick(_DOMAIN_NAMES, _DOMAIN_CUM)
            while other == domain:
                other = self._pick(_DOMAIN_NAMES, _DOMAIN_CUM)
            dup.email = f"{local}@{other}"
            if dup.email in self.used_emails:
                dup.email = ""
                return "email:missing"
            self.used_emails.add(dup.email)
        elif choice == "missing":
            dup.email = ""
        else:
            dup.email = self.email(
                dup.first_name or dup.company_name or "info",
                dup.last_name,
                country=dup.country,
                company=dup.company_name if dup.kind == "company" and rng.random() < 0.5 else "",
            )
        return f"email:{choice}"

    def _mutate_phones(self, dup: ClientSpec, keep: bool) -> str:
        rng = self.rng
        if not dup.phones:
            return "phone:none"
        if keep:
            choice = rng.choices(["same", "reformatted", "second_added"], [45, 40, 15])[0]
            kind, number = dup.phones[0]
            if choice == "reformatted":
                # The office typed it another way; the services store it in E.164 again.
                typed = _retyped(number, rng)
                e164 = n.phone_e164(typed, self.home_country) or number
                dup.phones = [(rng.choice(["mobile", "home", "work"]), e164)]
            elif choice == "second_added":
                dup.phones = [(kind, number), ("other", self.phone(dup.country))]
            else:
                dup.phones = [(kind, number)]
            return f"phone:{choice}"
        choice = rng.choice(["missing", "other_number"])
        if choice == "missing":
            dup.phones = []
        else:
            dup.phones = [(rng.choice(["mobile", "work"]), self.phone(dup.country))]
        return f"phone:{choice}"

    def _mutate_address(self, dup: ClientSpec, keep: bool) -> str:
        rng = self.rng
        if keep:
            if rng.random() < 0.15:
                dup.street, dup.city = dup.street.upper(), dup.city.upper()
                return "address:upper"
            return "address:same"
        choice = rng.choice(["missing", "abbreviated", "moved"])
        if choice == "abbreviated":
            for short, long in STREET_TYPES:
                if dup.street.endswith(f" {short}"):
                    dup.street = dup.street[: -len(short)] + long
                    break
                if dup.street.endswith(f" {long}"):
                    dup.street = dup.street[: -len(long)] + short
                    break
            else:
                choice = "missing"
        if choice == "missing":
            dup.street = dup.street2 = dup.city = dup.region = dup.postal_code = ""
            dup.country = self.home_country
        elif choice == "moved":
            address = self.address()
            for name in ("street", "street2", "city", "region", "postal_code", "country"):
                setattr(dup, name, address[name])
        return f"address:{choice}"


def _retyped(e164: str, rng: random.Random) -> str:
    """The same number as someone might type it: "(512) 555-0102", "+1 512 555 0102"..."""
    parsed = phonenumbers.parse(e164)
    national = str(parsed.national_number)
    if parsed.country_code == 1 and len(national) == 10:
        a, b, c = national[:3], national[3:6], national[6:]
        return rng.choice(
            [f"({a}) {b}-{c}", f"+1 {a} {b} {c}", f"{a}.{b}.{c}", f"1-{a}-{b}-{c}", f"{a}{b}{c}"]
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


# --- index rows --------------------------------------------------------------------------------


def _national_digits(e164: str) -> str:
    """normalize.phone_national_digits without parsing, for the numbers made here: a NANP
    number (+1 and ten digits) has those ten digits as its national number. Parsing a number
    costs ~80 µs, a third of the time a client takes to build."""
    if len(e164) == 12 and e164.startswith("+1") and e164[2:].isdigit():
        return e164[2:]
    return n.phone_national_digits(e164)


def index_entries(
    spec: "ClientSpec", numbers: list[str], contacts: list[tuple[str, str, str, str]]
) -> tuple[set[str], set[str]]:
    """The search tokens and match keys the services store for this client (indexing.py), with
    the phone parts computed without parsing. `verify_index_entries` proves them equal."""
    tokens = tokens_for(spec, [], [(f, l, e, "") for f, l, e, _p in contacts])  # type: ignore[arg-type]  # noqa: E741
    keys = client_match_keys(spec, [])  # type: ignore[arg-type]
    for number in numbers:
        national = _national_digits(number)
        if national:
            tokens.update(t[:64] for t in (national, national[-7:], national[-4:]) if t)
            if len(national) >= 7:
                keys.add(f"p:{national[-7:]}"[:120])
    for *_names, number in contacts:
        national = _national_digits(number) if number else ""
        if national:
            tokens.update(t[:64] for t in (national, national[-7:], national[-4:]) if t)
    return tokens, keys


class IndexMismatchError(RuntimeError):
    """indexing.py changed in a way the generator's shortcut does not follow."""


def verify_index_entries(
    spec: "ClientSpec",
    numbers: list[str],
    contacts: list[tuple[str, str, str, str]],
    tokens: set[str],
    keys: set[str],
) -> None:
    expected_tokens = tokens_for(spec, numbers, contacts)  # type: ignore[arg-type]
    expected_keys = client_match_keys(spec, numbers)  # type: ignore[arg-type]
    if tokens != expected_tokens or keys != expected_keys:
        raise IndexMismatchError(
            f"Generated index rows differ from indexing.py for client {spec.id}: "
            f"tokens {sorted(tokens ^ expected_tokens)}, keys {sorted(keys ^ expected_keys)}"
        )


# --- writing ---------------------------------------------------------------------------------


CLIENT_COLUMNS = [f.column for f in Client._meta.concrete_fields]
# Columns the generator does not set keep their model default.
CLIENT_DEFAULTS = {f.column: f.get_default() for f in Client._meta.concrete_fields}
PHONE_COLUMNS = ["company_id", "client_id", "kind", "number", "position"]
CONTACT_COLUMNS = [
    "company_id",
    "client_id",
    "first_name",
    "last_name",
    "role",
    "email",
    "phone",
    "is_primary",
    "created_at",
]
TABLES: list[tuple[type[Model], list[str]]] = [
    (Client, CLIENT_COLUMNS),
    (ClientPhone, PHONE_COLUMNS),
    (Contact, CONTACT_COLUMNS),
    (ClientTag, ["company_id", "client_id", "tag_id"]),
    (ClientToken, ["company_id", "token", "client_id"]),
    (ClientMatchKey, ["company_id", "key", "client_id"]),
]
FAST_LOAD_MIN_CLIENTS = 50_000
VERIFY_EVERY = 997  # clients between two checks of the index shortcut against indexing.py


@dataclass
class Batch:
    """Rows for every table, ready to write, and the near-duplicates among them."""

    clients: int
    rows: dict[type[Model], list[tuple]]
    truth: list[tuple[int, int, str]]

    @property
    def row_count(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


class BatchBuilder:
    """Turns reserved ids into rows: new clients, and near-duplicates of earlier ones."""

    RESERVOIR_SIZE = 20_000

    def __init__(
        self,
        rng: random.Random,
        maker: "ClientMaker",
        *,
        company_id: int,
        user_id: int,
        count: int,
        duplicates_percent: float,
        verify_every: int = VERIFY_EVERY,
    ):
        self.rng, self.maker = rng, maker
        self.company_id, self.user_id = company_id, user_id
        self.verify_every = verify_every
        wanted = round(count * duplicates_percent / 100) if count > 1 else 0
        first_possible = min(max(1, count // 20), count - 1) if count > 1 else 0
        self.duplicate_at = set(
            rng.sample(range(first_possible, count), min(wanted, max(count - 1, 0)))
        )
        # Originals a near-duplicate may copy: a uniform sample of every earlier original.
        self.reservoir: list[ClientSpec] = []
        self.originals_seen = 0
        self.referrers: list[int] = []
        self.position = 0
        self.built = 0

    def build(self, ids: list[int]) -> Batch:
        rng = self.rng
        specs, truth = [], []
        for client_id in ids:
            if self.position in self.duplicate_at and self.reservoir:
                original = rng.choice(self.reservoir)
                spec, changes = self.maker.near_duplicate(original)
                spec.id = client_id
                truth.append((client_id, original.id, ";".join(changes)))
            else:
                spec = self.maker.client()
                spec.id = client_id
                if self.referrers and rng.random() < 0.04:
                    spec.referred_by_id = rng.choice(self.referrers)
                self._remember(spec)
            specs.append(spec)
            self.position += 1
        return Batch(len(specs), self._rows(specs), truth)

    def _remember(self, spec: "ClientSpec") -> None:
        self.originals_seen += 1
        if len(self.reservoir) < self.RESERVOIR_SIZE:
            self.reservoir.append(spec)
        else:
            slot = self.rng.randrange(self.originals_seen)
            if slot < self.RESERVOIR_SIZE:
                self.reservoir[slot] = spec
        if len(self.referrers) < 5000 and self.rng.random() < 0.1:
            self.referrers.append(spec.id)

    def _rows(self, specs: list["ClientSpec"]) -> dict[type[Model], list[tuple]]:
        company_id = self.company_id
        clients, phones, contacts, tags, tokens, keys = [], [], [], [], [], []
        for spec in specs:
            spec.email = spec.email.lower()  # as the services store it
            values = {
                "id": spec.id,
                "company_id": company_id,
                "kind": spec.kind,
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "company_name": spec.company_name,
                "billing_name": spec.billing_name,
                "email": spec.email,
                "lead_source": spec.lead_source,
                "notes": spec.notes,
                "client_type": spec.client_type,
                "rating": spec.rating,
                "tax_exempt": spec.tax_exempt,
                "tax_id": spec.tax_id,
                "newsletter": spec.newsletter,
                "preferred_contact": spec.preferred_contact,
                "language": spec.language,
                "street": spec.street,
                "street2": spec.street2,
                "city": spec.city,
                "region": spec.region,
                "postal_code": spec.postal_code,
                "country": spec.country,
                "referred_by_id": spec.referred_by_id,
                "created_by_id": self.user_id,
                "created_at": spec.created_at,
                "updated_at": spec.created_at,
                "sort_key": sort_key_for(spec),  # type: ignore[arg-type]
            }
            clients.append(tuple(values.get(c, CLIENT_DEFAULTS[c]) for c in CLIENT_COLUMNS))
            numbers = [number for _kind, number in spec.phones]
            for position, (kind, number) in enumerate(spec.phones):
                phones.append((company_id, spec.id, kind, number, position))
            contact_values = []
            for i, (first, last, role, email, phone) in enumerate(spec.contacts):
                email = email.lower()
                contacts.append(
                    (company_id, spec.id, first, last, role, email, phone, i == 0, spec.created_at)
                )
                contact_values.append((first, last, email, phone))
            for tag_id in spec.tag_ids:
                tags.append((company_id, spec.id, tag_id))
            client_tokens, client_keys = index_entries(spec, numbers, contact_values)
            self.built += 1
            if self.built % self.verify_every == 1 or self.verify_every == 1:
                verify_index_entries(spec, numbers, contact_values, client_tokens, client_keys)
            tokens.extend((company_id, token, spec.id) for token in client_tokens)
            keys.extend((company_id, key, spec.id) for key in client_keys)
        # In key order, each batch walks the big indexes once instead of jumping around them.
        tokens.sort()
        keys.sort()
        return {
            Client: clients,
            ClientPhone: phones,
            Contact: contacts,
            ClientTag: tags,
            ClientToken: tokens,
            ClientMatchKey: keys,
        }


def write_batch(writer: BulkWriter, batch: Batch) -> int:
    return sum(writer.write(model, columns, batch.rows[model]) for model, columns in TABLES)


@dataclass
class GenerateResult:
    company: Company
    clients: int
    duplicates: int
    rows: int
    seconds: float
    truth_path: Path
    truth: list[tuple[int, int, str]] = field(default_factory=list)  # (duplicate, original, how)
    fast_load: bool = False


def truth_path_for(company: Company) -> Path:
    return Path(settings.DATA_DIR) / "generated" / f"duplicates-{company.slug}.csv"


TRUTH_HEADER = ["duplicate_id", "original_id", "mutations"]


def read_truth(path: Path) -> list[tuple[int, int, str]]:
    """(duplicate_id, original_id, mutations) rows of a truth file."""
    with open(path, newline="") as f:
        return [
            (int(row["duplicate_id"]), int(row["original_id"]), row.get("mutations") or "")
            for row in csv.DictReader(f)
        ]


def company_for_generation(slug: str | None) -> Membership:
    """The owner membership of the company to fill: the one named by `slug`, created (with an
    owner) when it does not exist yet, or a new company when no slug is given."""
    if slug:
        company = Company.objects.filter(slug=slug).first()
        if company is not None:
            owner = (
                Membership.objects.filter(company=company, role=Role.OWNER, active=True)
                .select_related("user", "company")
                .order_by("id")
                .first()
            )
            if owner is None:
                raise ValueError(f"The company {slug} has no active owner to add clients as.")
            return owner
    company_slug = slug
    if company_slug is None:
        company_slug, i = "generated", 1
        while Company.objects.filter(slug=company_slug).exists():
            i += 1
            company_slug = f"generated-{i}"
    return company_create(
        name=DEFAULT_COMPANY_NAME if not slug else slug.replace("-", " ").title(),
        slug=company_slug,
        owner_username=f"owner-{company_slug}"[:150],
        owner_email=f"owner@{company_slug}.example.com",
        owner_first_name="Olivia",
        owner_last_name="Owner",
    )


Progress = Callable[[str], None]


def generate_clients(
    owner: Membership,
    *,
    count: int,
    seed: int | str = 0,
    duplicates_percent: float = 3.0,
    batch_size: int = 5000,
    fast_load: bool | None = None,
    progress: Progress | None = None,
) -> GenerateResult:
    """Add `count` clients to the owner's company, about `duplicates_percent` of them
    near-duplicates of earlier ones, and record which is which in the truth file.

    On PostgreSQL (outside a transaction) a second thread writes while this one builds rows.
    `fast_load` (default: when adding at least 50,000 clients and at least as many as the
    database holds) writes everything in one transaction with the secondary indexes and
    foreign keys of the six tables dropped, then rebuilds them: other sessions wait for the
    client tables meanwhile, so use it on a database being prepared, not on a live one."""
    started = time.monotonic()
    company = owner.company
    rng = random.Random(f"crewdesk-{seed}")  # noqa: S311 (test data, not secrets)
    tag_ids = [tag_get_or_create(owner, name).id for name in TAG_NAMES]
    maker = ClientMaker(rng, home_country=company.country or "US", tag_ids=tag_ids)
    builder = BatchBuilder(
        rng,
        maker,
        company_id=company.id,
        user_id=owner.user_id,
        count=count,
        duplicates_percent=duplicates_percent,
    )
    writer = BulkWriter()
    pipelined = writer.postgres and not connection.in_atomic_block
    if fast_load is None:
        fast_load = pipelined and count >= FAST_LOAD_MIN_CLIENTS and count >= _client_rows()
    fast_load = bool(fast_load and pipelined)

    path = truth_path_for(company)
    path.parent.mkdir(parents=True, exist_ok=True)
    earlier = read_truth(path) if path.exists() and _has_other_clients(company) else []
    partial = path.with_name(path.name + ".part")
    log = _Log(started, count, progress)
    with open(partial, "w", newline="") as truth_file:
        out = csv.writer(truth_file)
        out.writerow(TRUTH_HEADER)
        out.writerows(earlier)

        def record(batch: Batch) -> None:
            out.writerows(batch.truth)
            truth_file.flush()

        if pipelined:
            truth, rows = _run_pipelined(builder, writer, count, batch_size, fast_load, record, log)
        else:
            truth, rows = _run_inline(builder, writer, count, batch_size, record, log)
    partial.replace(path)

    activity_record(
        company=company,
        actor=owner.user,
        verb=VERB_GENERATED,
        data={"count": count, "duplicates": len(truth), "seed": str(seed)},
    )
    if writer.postgres and not connection.in_atomic_block:
        # Statistics for the planner, and the visibility map that lets index-only scans (the
        # search reads ClientToken that way) skip the table.
        log.say("Vacuuming and analysing the new rows…")
        writer.run(
            f"VACUUM (ANALYZE) {connection.ops.quote_name(m._meta.db_table)}" for m, _c in TABLES
        )
    return GenerateResult(
        company=company,
        clients=count,
        duplicates=len(truth),
        rows=rows,
        seconds=time.monotonic() - started,
        truth_path=path,
        truth=earlier + truth,
        fast_load=fast_load,
    )


def _client_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(Client._meta.db_table)}")  # noqa: S608
        return cursor.fetchone()[0]


def _has_other_clients(company: Company) -> bool:
    return Client.objects.filter(company=company).exists()


class _Log:
    def __init__(self, started: float, count: int, progress: Progress | None):
        self.started, self.count, self.progress = started, count, progress
        self.clients = self.rows = self.duplicates = 0

    def say(self, message: str) -> None:
        if self.progress:
            self.progress(message)

    def written(self, batch: Batch, rows: int) -> None:
        self.clients += batch.clients
        self.rows += rows
        self.duplicates += len(batch.truth)
        elapsed = max(time.monotonic() - self.started, 1e-6)
        self.say(
            f"{self.clients:,}/{self.count:,} clients ({self.duplicates:,} near-duplicates), "
            f"{self.rows:,} rows, {elapsed:.1f} s: "
            f"{self.clients / elapsed:,.0f} clients/s, {self.rows / elapsed:,.0f} rows/s"
        )


def _run_inline(
    builder: BatchBuilder,
    writer: BulkWriter,
    count: int,
    batch_size: int,
    record: Callable[[Batch], None],
    log: _Log,
) -> tuple[list, int]:
    """One transaction per batch, in this thread (SQLite, or inside a caller's transaction)."""
    truth, rows, done = [], 0, 0
    while done < count:
        size = min(batch_size, count - done)
        with transaction.atomic():
            batch = builder.build(writer.reserve_ids(Client, size))
            written = write_batch(writer, batch)
        record(batch)
        truth.extend(batch.truth)
        rows += written
        done += size
        log.written(batch, written)
    return truth, rows


_DONE = object()  # the builder has sent every batch
_ABORT = object()  # the builder failed: write nothing more, roll back what is not committed


class _Aborted(Exception):
    pass


def _run_pipelined(
    builder: BatchBuilder,
    writer: BulkWriter,
    count: int,
    batch_size: int,
    fast_load: bool,
    record: Callable[[Batch], None],
    log: _Log,
) -> tuple[list, int]:
    """This thread builds rows while a second one (with its own connection) writes them: the
    Python work and PostgreSQL's run on two cores at once."""
    import queue
    import threading

    from django.db import connections

    batches: queue.Queue = queue.Queue(maxsize=2)
    outcome: dict = {"rows": 0, "error": None}

    def write_all() -> None:
        try:
            if fast_load:
                with transaction.atomic():
                    _tune_session(local=True)
                    restore = writer.suspend_indexes([model for model, _c in TABLES])
                    log.say("Fast load: secondary indexes and foreign keys are rebuilt at the end.")
                    _write_from(batches, writer, record, log, outcome, per_batch=False)
                    log.say(f"Rebuilding {len(restore)} indexes and foreign keys…")
                    writer.run(restore)
            else:
                _write_from(batches, writer, record, log, outcome, per_batch=True)
        except _Aborted:
            pass  # the building thread raises its own error
        except BaseException as error:  # reported to the building thread, which re-raises
            outcome["error"] = error
            while batches.get() not in (_DONE, _ABORT):  # let the builder finish and exit
                pass
        finally:
            connections.close_all()

    thread = threading.Thread(target=write_all, name="generate-writer", daemon=True)
    thread.start()
    truth: list = []
    done = 0
    try:
        while done < count and outcome["error"] is None:
            size = min(batch_size, count - done)
            batch = builder.build(writer.reserve_ids(Client, size))
            truth.extend(batch.truth)
            batches.put(batch)
            done += size
    except BaseException:  # a bug, or Ctrl-C: the fast load rolls back entirely
        batches.put(_ABORT)
        thread.join()
        raise
    batches.put(_DONE)
    thread.join()
    if outcome["error"] is not None:
        raise outcome["error"]
    return truth, outcome["rows"]


def _tune_session(*, local: bool) -> None:
    scope = "LOCAL " if local else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SET {scope}synchronous_commit TO OFF")
        cursor.execute(f"SET {scope}maintenance_work_mem TO '512MB'")


def _write_from(batches, writer, record, log, outcome, *, per_batch: bool) -> None:
    while (batch := batches.get()) is not _DONE:
        if batch is _ABORT:
            raise _Aborted
        if per_batch:
            with transaction.atomic():
                _tune_session(local=True)
                written = write_batch(writer, batch)
        else:
            written = write_batch(writer, batch)
        record(batch)
        outcome["rows"] += written
        log.written(batch, written)
